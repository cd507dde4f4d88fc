namespace Osprey.Bench;

/// <summary>What this process's /proc entries say: resident memory and the BLAS libraries mapped in.</summary>
static class ProcessFacts
{
    /// <summary>A "VmXXX:   1234 kB" line of /proc/self/status, in MiB.</summary>
    public static double StatusMiB(string field)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (!line.StartsWith(field + ":", StringComparison.Ordinal)) continue;
            var parts = line[(field.Length + 1)..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return long.Parse(parts[0]) / 1024.0;
        }
        throw new InvalidOperationException($"/proc/self/status has no {field} line");
    }

    /// <summary>Distinct mapped files whose name mentions blas (OpenBLAS, reference BLAS, BLIS's blas, MKL's).</summary>
    public static string[] MappedBlas() =>
        File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries))
            .Where(cols => cols.Length == 6)
            .Select(cols => cols[5].Trim())
            .Where(path => path.Contains("blas", StringComparison.OrdinalIgnoreCase) || path.Contains("mkl", StringComparison.OrdinalIgnoreCase))
            .Distinct()
            .Order()
            .ToArray();
}
