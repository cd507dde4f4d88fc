namespace HostileFiles;

/// <summary>Peak resident memory of this process, from /proc/self/status; the peak can be reset (Linux clear_refs 5).</summary>
static class Memory
{
    public static long ResidentBytes => Field("VmRSS:");
    public static long PeakBytes => Field("VmHWM:");

    /// <summary>Starts a new peak at the current resident size.</summary>
    public static void ResetPeak() => File.WriteAllText("/proc/self/clear_refs", "5");

    static long Field(string name)
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith(name, StringComparison.Ordinal))
                return long.Parse(line[name.Length..].Trim().Split(' ')[0]) * 1024;
        throw new InvalidOperationException($"/proc/self/status has no {name}");
    }
}
