using System.Buffers.Binary;
using System.IO.Compression;
using Osprey.Torch;
using Osprey.Torch.Serialization;

namespace Osprey.Data.Datasets;

/// <summary>
/// MNIST-format idx files (images: magic 0x00000803, N x rows x cols uint8; labels: magic 0x00000801, N uint8), raw or
/// gzip-compressed (detected by the gzip magic bytes). Both files are read and validated when the dataset is opened;
/// samples are (1, rows, cols) uint8 images with their label.
/// </summary>
public sealed class IdxDataset : IClassificationDataset
{
    const int ImagesMagic = 0x00000803, LabelsMagic = 0x00000801;

    readonly byte[] images, labels;
    readonly int imageOffset, labelOffset;

    public int Rows { get; }
    public int Columns { get; }
    public int Count { get; }
    public IReadOnlyList<string> Classes { get; }
    public string ImagesPath { get; }

    public IdxDataset(string imagesPath, string labelsPath, IReadOnlyList<string> classes)
    {
        ImagesPath = imagesPath;
        Classes = classes;
        images = ReadMaybeGzip(imagesPath);
        labels = ReadMaybeGzip(labelsPath);

        var imageDims = Header(images, imagesPath, ImagesMagic, "images", 3);
        var labelDims = Header(labels, labelsPath, LabelsMagic, "labels", 1);
        (Count, Rows, Columns) = (imageDims[0], imageDims[1], imageDims[2]);
        imageOffset = 4 + 4 * 3;
        labelOffset = 4 + 4;
        long expectedImages = imageOffset + (long)Count * Rows * Columns;
        if (images.LongLength != expectedImages)
            throw new InvalidDataException($"{imagesPath}: header says {Count} images of {Rows}x{Columns} ({expectedImages} bytes), " +
                                           $"the file has {images.LongLength} bytes");
        if (labelDims[0] != Count)
            throw new InvalidDataException($"{labelsPath} has {labelDims[0]} labels but {imagesPath} has {Count} images");
        if (labels.Length != labelOffset + Count)
            throw new InvalidDataException($"{labelsPath}: header says {Count} labels ({labelOffset + Count} bytes), the file has {labels.Length} bytes");
        for (int i = 0; i < Count; i++)
            if (labels[labelOffset + i] >= classes.Count)
                throw new InvalidDataException($"{labelsPath}: label {labels[labelOffset + i]} at index {i} is not below the {classes.Count} classes");
    }

    /// <summary>Largest idx file, and largest decompressed idx data (a gzip bomb stops here), 1 GB.</summary>
    const long MaxBytes = 1L << 30;

    static byte[] ReadMaybeGzip(string path)
    {
        byte[] raw;
        try
        {
            raw = UntrustedFile.ReadAllBytes(path, MaxBytes);
        }
        catch (FileNotFoundException)
        {
            throw new FileNotFoundException($"idx file not found: {path}", path);
        }
        if (raw.Length < 2 || raw[0] != 0x1F || raw[1] != 0x8B) return raw;
        try
        {
            using var gzip = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
            using var output = new MemoryStream();
            var buffer = new byte[1 << 16];
            for (int n; (n = gzip.Read(buffer)) > 0;)
            {
                if (output.Length + n > MaxBytes)
                    throw new InvalidDataException($"{path}: gzip data decompresses to more than {MaxBytes} bytes (the limit for an idx file)");
                output.Write(buffer, 0, n);
            }
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: corrupt gzip data ({e.Message})", e);
        }
    }

    static int[] Header(byte[] data, string path, int magic, string what, int dims)
    {
        int found = data.Length >= 4 ? BinaryPrimitives.ReadInt32BigEndian(data) : -1;
        if (found != magic)
            throw new InvalidDataException($"{path}: magic number 0x{found:X8}, expected 0x{magic:X8} (idx {what}: unsigned bytes, {dims} dimension{(dims > 1 ? "s" : "")})");
        if (data.Length < 4 + 4 * dims)
            throw new InvalidDataException($"{path}: {data.Length} bytes is too short for an idx {what} header");
        var sizes = new int[dims];
        for (int d = 0; d < dims; d++)
        {
            sizes[d] = BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(4 + 4 * d));
            if (sizes[d] < 0) throw new InvalidDataException($"{path}: negative size {sizes[d]} in dimension {d}");
        }
        return sizes;
    }

    public long LabelOf(int index) => labels[labelOffset + CheckIndex(index)];

    public Sample Get(int index)
    {
        CheckIndex(index);
        int size = Rows * Columns;
        var pixels = new ReadOnlySpan<byte>(images, imageOffset + index * size, size);
        return new Sample(Tensor.FromBytes(pixels, DType.UInt8, 1, Rows, Columns))
        {
            Label = labels[labelOffset + index],
            Source = $"{ImagesPath}[{index}]",
        };
    }

    int CheckIndex(int index) => (uint)index < (uint)Count
        ? index
        : throw new ArgumentOutOfRangeException(nameof(index), index, $"{ImagesPath} has {Count} images");
}
