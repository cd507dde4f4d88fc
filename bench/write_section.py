"""Replaces (or appends) one benchmark's section of bench/RESULTS.md, leaving the other sections alone.

Usage: python3 bench/write_section.py RESULTS.md NAME < section.md
The section is kept between <!-- NAME:begin --> and <!-- NAME:end --> markers.
"""
import os
import sys


def main(path, name):
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    body = sys.stdin.read().rstrip()
    try:
        text = open(path).read()
    except FileNotFoundError:
        text = ""
    block = f"{begin}\n{body}\n{end}\n"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1].lstrip("\n")
    else:
        text = (text.rstrip() + "\n\n" if text.strip() else "") + block
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
