using System.IO.Compression;

namespace Osprey.Torch.Serialization;

/// <summary>
/// Exactly the declared content of one zip member, no more: stored bytes straight from the file, or the inflated
/// deflate stream cut off at the declared size. The CRC-32 is checked when the last byte has been read; a stream
/// that ends early is an error. Not seekable; one member at a time per file stream.
/// </summary>
internal sealed class ZipEntryStream : Stream
{
    readonly Stream file;
    readonly ZipEntry entry;
    readonly Stream source;
    long position, filePosition;
    Crc32 crc = new();

    public ZipEntryStream(Stream file, ZipEntry entry)
    {
        this.file = file;
        this.entry = entry;
        filePosition = entry.DataOffset;
        var raw = new Window(this);
        source = entry.Method == 8 ? new DeflateStream(raw, CompressionMode.Decompress) : raw;
    }

    public override int Read(Span<byte> buffer)
    {
        long left = entry.Size - position;
        if (left == 0) return 0;
        var target = buffer[..(int)Math.Min(buffer.Length, left)];
        int n;
        try
        {
            n = source.Read(target);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"zip member '{entry.Name}' has corrupt deflate data ({e.Message})");
        }
        if (n == 0)
            throw new InvalidDataException($"zip member '{entry.Name}' ends after {position} of its declared {entry.Size} bytes");
        crc.Append(target[..n]);
        position += n;
        if (position == entry.Size && crc.Value != entry.Crc)
            throw new InvalidDataException($"zip member '{entry.Name}' fails its CRC-32 check (stored 0x{entry.Crc:x8}, content 0x{crc.Value:x8}): the file is damaged");
        return n;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    protected override void Dispose(bool disposing)
    {
        if (disposing && source is DeflateStream) source.Dispose();
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => entry.Size;
    public override long Position { get => position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>The member's compressed bytes in the file, and nothing past them.</summary>
    sealed class Window(ZipEntryStream owner) : Stream
    {
        public override int Read(Span<byte> buffer)
        {
            long end = owner.entry.DataOffset + owner.entry.CompressedSize;
            int count = (int)Math.Min(buffer.Length, end - owner.filePosition);
            if (count <= 0) return 0;
            owner.file.Position = owner.filePosition;
            int n = owner.file.Read(buffer[..count]);
            owner.filePosition += n;
            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => owner.entry.CompressedSize;
        public override long Position { get => owner.filePosition - owner.entry.DataOffset; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
