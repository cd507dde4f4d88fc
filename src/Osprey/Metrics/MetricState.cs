namespace Osprey.Metrics;

/// <summary>
/// How accumulated metrics are written and read back to be merged (the ranks of a sharded validation): arrays as a
/// length and their items; a length that does not match the reader's is refused, naming what was read.
/// </summary>
public static class MetricState
{
    public static void WriteArray(this BinaryWriter w, long[] values)
    {
        w.Write(values.Length);
        foreach (var v in values) w.Write(v);
    }

    public static void WriteArray(this BinaryWriter w, int[] values)
    {
        w.Write(values.Length);
        foreach (var v in values) w.Write(v);
    }

    public static void WriteArray(this BinaryWriter w, float[] values)
    {
        w.Write(values.Length);
        foreach (var v in values) w.Write(v);
    }

    /// <summary>The length of an array about to be read; <paramref name="expected"/> (when given) is the only one accepted.</summary>
    public static int ReadLength(this BinaryReader r, string what, int? expected = null)
    {
        int n = r.ReadInt32();
        if (n < 0 || n > (r.BaseStream.Length - r.BaseStream.Position))
            throw new InvalidDataException($"metric state: {what} claims {n} items, more than the {r.BaseStream.Length - r.BaseStream.Position} bytes left");
        if (expected is { } e && n != e)
            throw new InvalidDataException($"metric state: {what} has {n} items, this accumulator {e} (another class count?)");
        return n;
    }

    /// <summary>Adds each count read to <paramref name="into"/> (the same length).</summary>
    public static void AddArray(this BinaryReader r, long[] into, string what)
    {
        int n = r.ReadLength(what, into.Length);
        for (int i = 0; i < n; i++) into[i] += r.ReadInt64();
    }

    public static void AddArray(this BinaryReader r, int[] into, string what)
    {
        int n = r.ReadLength(what, into.Length);
        for (int i = 0; i < n; i++) into[i] += r.ReadInt32();
    }

    public static long[] ReadLongs(this BinaryReader r, string what)
    {
        var values = new long[r.ReadLength(what)];
        for (int i = 0; i < values.Length; i++) values[i] = r.ReadInt64();
        return values;
    }

    public static int[] ReadInts(this BinaryReader r, string what)
    {
        var values = new int[r.ReadLength(what)];
        for (int i = 0; i < values.Length; i++) values[i] = r.ReadInt32();
        return values;
    }

    public static float[] ReadFloats(this BinaryReader r, string what)
    {
        var values = new float[r.ReadLength(what)];
        for (int i = 0; i < values.Length; i++) values[i] = r.ReadSingle();
        return values;
    }
}
