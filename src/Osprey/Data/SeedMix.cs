namespace Osprey.Data;

/// <summary>Derives independent, reproducible seeds from (seed, epoch, index) with SplitMix64 finalisers.</summary>
public static class SeedMix
{
    /// <summary>The stream for the epoch's shuffle (an index no sample has).</summary>
    public const long ShuffleStream = -1;

    public static int Derive(long seed, long epoch, long index)
    {
        ulong h = Mix((ulong)seed);
        h = Mix(h ^ (ulong)epoch);
        h = Mix(h ^ (ulong)index);
        return (int)(h >> 33);
    }

    static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A generator for one (seed, epoch, index). <c>new Random(int)</c> is a fixed, documented algorithm, so the
    /// numbers are the same on every run and machine.</summary>
    public static Random Generator(long seed, long epoch, long index) => new(Derive(seed, epoch, index));
}
