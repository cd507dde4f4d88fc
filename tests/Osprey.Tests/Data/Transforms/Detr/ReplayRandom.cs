namespace Osprey.Tests.Data.Transforms.Detr;

/// <summary>
/// A <see cref="Random"/> that returns recorded draws in order: rows (kind, value, lo, hi) with kind 0 for a uniform
/// double (NextDouble) and kind 1 for an integer in [lo, hi) (Next / NextInt64, whose bounds must equal lo and hi).
/// A draw of the wrong kind or range, or one past the end, fails: the transform asked what the official code did not.
/// </summary>
public sealed class ReplayRandom(double[] rows) : Random
{
    int next;

    public bool Exhausted => next * 4 == rows.Length;

    (double Value, long Lo, long Hi) Take(int kind, string call)
    {
        if (next * 4 >= rows.Length) throw new InvalidOperationException($"{call}: draw {next} is past the {rows.Length / 4} recorded ones");
        int i = next++ * 4;
        if ((int)rows[i] != kind) throw new InvalidOperationException($"{call}: draw {next - 1} was recorded as kind {rows[i]}");
        return (rows[i + 1], (long)rows[i + 2], (long)rows[i + 3]);
    }

    public override double NextDouble() => Take(0, "NextDouble").Value;

    public override long NextInt64(long minValue, long maxValue)
    {
        var (value, lo, hi) = Take(1, $"NextInt64({minValue}, {maxValue})");
        if (lo != minValue || hi != maxValue)
            throw new InvalidOperationException($"NextInt64({minValue}, {maxValue}): draw {next - 1} was recorded in [{lo}, {hi})");
        return (long)value;
    }

    public override int Next(int minValue, int maxValue) => (int)NextInt64(minValue, maxValue);
    public override int Next(int maxValue) => (int)NextInt64(0, maxValue);
    public override long NextInt64(long maxValue) => NextInt64(0, maxValue);
    public override int Next() => throw new InvalidOperationException("Next(): not a draw the official transforms make");
    public override long NextInt64() => throw new InvalidOperationException("NextInt64(): not a draw the official transforms make");
    public override float NextSingle() => throw new InvalidOperationException("NextSingle(): not a draw the official transforms make");
    public override void NextBytes(byte[] buffer) => throw new InvalidOperationException("NextBytes: not a draw the official transforms make");
    public override void NextBytes(Span<byte> buffer) => throw new InvalidOperationException("NextBytes: not a draw the official transforms make");
    protected override double Sample() => throw new InvalidOperationException("Sample(): not a draw the official transforms make");
}
