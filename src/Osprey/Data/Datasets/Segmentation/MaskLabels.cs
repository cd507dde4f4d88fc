using Osprey.Torch;

namespace Osprey.Data.Datasets.Segmentation;

/// <summary>
/// How the stored values of a mask file become class ids: a table from every stored value to a class id in
/// [0, classes), the ignore value, or "invalid" (-1, an error naming the files). PASCAL VOC keeps its values,
/// ADE20K's reduce_zero_label maps 0 to ignore and k to k - 1, Cityscapes maps its 34 label ids to the 19 train ids.
/// </summary>
public sealed class MaskLabels
{
    public const int Invalid = -1;

    readonly int[] table;
    readonly bool identity, fitsByte;

    public int Classes { get; }
    public int IgnoreIndex { get; }

    MaskLabels(int[] table, int classes, int ignoreIndex)
    {
        if (classes < 1) throw new ArgumentException($"a segmentation dataset needs at least one class, got {classes}");
        if (ignoreIndex >= 0 && ignoreIndex < classes)
            throw new ArgumentException($"ignore index {ignoreIndex} is one of the {classes} class ids; use a value outside [0, {classes})");
        (this.table, Classes, IgnoreIndex) = (table, classes, ignoreIndex);
        identity = Enumerable.Range(0, table.Length).All(v => table[v] == Invalid || table[v] == v);
        fitsByte = table.All(id => id <= 255);
    }

    /// <summary>Stored value = class id; values in [0, classes) and the ignore value are valid (PASCAL VOC, generic folders).
    /// A dataset whose files mark ignored pixels with another value (<paramref name="storedIgnore"/>) has it mapped to
    /// <paramref name="ignoreIndex"/>, the value the losses and metrics skip.</summary>
    public static MaskLabels Identity(int classes, int ignoreIndex = Sample.IgnoreIndex, int maxStored = 255, int? storedIgnore = null)
    {
        int stored = storedIgnore ?? ignoreIndex;
        var table = new int[Math.Max(maxStored, stored) + 1];
        for (int v = 0; v < table.Length; v++) table[v] = v == stored ? ignoreIndex : v < classes ? v : Invalid;
        return new MaskLabels(table, classes, ignoreIndex);
    }

    /// <summary>mmsegmentation's reduce_zero_label: 0 ("other") becomes ignore, k becomes k - 1, the stored ignore value
    /// becomes <paramref name="ignoreIndex"/>.</summary>
    public static MaskLabels ReduceZero(int classes, int ignoreIndex = Sample.IgnoreIndex, int maxStored = 255, int? storedIgnore = null)
    {
        int stored = storedIgnore ?? ignoreIndex;
        var table = new int[Math.Max(maxStored, stored) + 1];
        for (int v = 0; v < table.Length; v++)
            table[v] = v == 0 || v == stored ? ignoreIndex : v - 1 < classes ? v - 1 : Invalid;
        return new MaskLabels(table, classes, ignoreIndex);
    }

    /// <summary>An explicit table (stored value -> class id or ignore); stored values beyond it are invalid.</summary>
    public static MaskLabels FromTable(int[] table, int classes, int ignoreIndex = Sample.IgnoreIndex)
    {
        foreach (var id in table)
            if (id != Invalid && id != ignoreIndex && (id < 0 || id >= classes))
                throw new ArgumentException($"label table maps to {id}, outside [0, {classes}) and not the ignore value {ignoreIndex}");
        return new MaskLabels((int[])table.Clone(), classes, ignoreIndex);
    }

    /// <summary>The class id of stored value <paramref name="stored"/> (or <see cref="Invalid"/>).</summary>
    public int this[int stored] => (uint)stored < (uint)table.Length ? table[stored] : Invalid;

    /// <summary>
    /// Maps a decoded mask (H, W) of stored values to class ids: uint8 when every id fits, else int64. Any stored
    /// value that is not a class id or the ignore value throws, naming the mask and its image.
    /// </summary>
    public Tensor Apply(Tensor stored, string maskPath, string imagePath)
    {
        using var scope = TensorScope.Begin();
        var flat = stored.Flatten().Long();
        long max = flat.NumEl == 0 ? 0 : flat.Max().Item<long>();
        var counts = new Op("aten::bincount").Tensor(flat, (Tensor?)null, Math.Max(max + 1, table.Length)).ToArray<long>();
        for (int v = 0; v < counts.Length; v++)
            if (counts[v] > 0 && this[v] == Invalid)
                throw new InvalidDataException(
                    $"mask {maskPath} (image {imagePath}) has value {v} in {counts[v]} pixels: the dataset has {Classes} classes " +
                    $"(ids 0..{Classes - 1}){(IgnoreIndex >= 0 ? $" and ignore value {IgnoreIndex}" : "")}");
        if (identity && (fitsByte || stored.DType == DType.Int64))
            return scope.Keep(fitsByte ? stored.To(DType.UInt8) : stored.Clone());
        var lookup = Tensor.From(table.Select(id => (long)Math.Max(id, 0)).ToArray(), table.Length);
        var mapped = lookup.IndexSelect(0, flat).View(stored.Shape);
        return scope.Keep(fitsByte ? mapped.To(DType.UInt8) : mapped);
    }
}
