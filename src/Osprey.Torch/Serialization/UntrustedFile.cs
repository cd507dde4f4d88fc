using Microsoft.Win32.SafeHandles;
using Osprey.Torch.Native;

namespace Osprey.Torch.Serialization;

/// <summary>
/// Opens files that may come from anyone: regular files only (after following symlinks), so a name that points at
/// a FIFO (which would block for ever), /dev/zero or /dev/urandom (endless) or a socket is refused at once, and
/// only up to a size limit. The check is made on the opened descriptor, so the file cannot be swapped in between.
/// </summary>
public static class UntrustedFile
{
    /// <summary>Opens <paramref name="path"/> for reading; throws <see cref="IOException"/> naming the file when it is
    /// not a regular file or is larger than <paramref name="maxBytes"/> (<see cref="FileNotFoundException"/> when absent).</summary>
    public static FileStream OpenRead(string path, long maxBytes)
    {
        int status = NativeMethods.osp_open_regular_file(path, out int fd, out long size);
        if (status < 0) throw OpenError(path, -status);
        if (status > 0) throw new IOException($"{path}: is {KindOf(status)}, not a regular file; only regular files are read");
        var stream = new FileStream(new SafeFileHandle(fd, ownsHandle: true), FileAccess.Read, bufferSize: 0);
        if (size > maxBytes)
        {
            stream.Dispose();
            throw new IOException($"{path}: is {size} bytes, over the {maxBytes}-byte limit for this kind of file");
        }
        return stream;
    }

    /// <summary>The whole file (at most <paramref name="maxBytes"/>, and at most 2 GB), read as it was when opened.</summary>
    public static byte[] ReadAllBytes(string path, long maxBytes)
    {
        using var stream = OpenRead(path, Math.Min(maxBytes, Array.MaxLength));
        var bytes = new byte[stream.Length];
        int read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        if (read != bytes.Length) throw new IOException($"{path}: shrank while being read ({read} of {bytes.Length} bytes)");
        return bytes;
    }

    /// <summary>The whole file as text (UTF-8 unless a byte-order mark says otherwise), as <see cref="File.ReadAllText(string)"/>.</summary>
    public static string ReadAllText(string path, long maxBytes)
    {
        using var reader = new StreamReader(new MemoryStream(ReadAllBytes(path, maxBytes)), System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    /// <summary>Why <paramref name="path"/> is not a regular file to read, or null when it is one (used to vet dataset listings).</summary>
    public static string? NotRegularReason(string path)
    {
        int status = NativeMethods.osp_open_regular_file(path, out int fd, out _);
        if (status == 0)
        {
            using var handle = new SafeFileHandle(fd, ownsHandle: true);
            return null;
        }
        return status > 0 ? $"is {KindOf(status)}, not a regular file" : OpenError(path, -status).Message;
    }

    static string KindOf(int mode) => mode switch
    {
        0x1000 => "a FIFO (named pipe)",
        0x2000 => "a character device (such as /dev/zero)",
        0x4000 => "a directory",
        0x6000 => "a block device",
        0xC000 => "a socket",
        _ => $"a special file (type 0{Convert.ToString(mode, 8)})",
    };

    static IOException OpenError(string path, int errno) => errno switch
    {
        2 => new FileNotFoundException($"{path}: file not found", path),
        13 => new IOException($"{path}: permission denied"),
        21 => new IOException($"{path}: is a directory, not a regular file"),
        _ => new IOException($"{path}: cannot open (errno {errno})"),
    };
}
