using System.Reflection;
using System.Runtime.InteropServices;

namespace Osprey.Cli.Commands;

/// <summary>What <c>osprey doctor</c> reports about the machine: versions, OS, CPU, memory and disk (Linux /proc where it has them).</summary>
public static class MachineFacts
{
    /// <summary>The instruction sets that decide which oneDNN and ATen kernels run, in the order they appeared.</summary>
    static readonly string[] KernelFlags = ["sse4_1", "sse4_2", "avx", "f16c", "fma", "avx2", "avx512f", "avx512bw", "avx512vl", "avx512_vnni",
                                            "avx512_bf16", "amx_tile", "asimd", "sve"];

    public static string OspreyVersion =>
        typeof(Osprey.Training.Trainer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(Osprey.Training.Trainer).Assembly.GetName().Version?.ToString() ?? "?";

    public static string DotNet => $"{RuntimeInformation.FrameworkDescription} ({RuntimeInformation.RuntimeIdentifier})";

    public static string OperatingSystem
    {
        get
        {
            var pretty = ReadKey("/etc/os-release", "PRETTY_NAME", '=')?.Trim('"');
            var kernel = File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : null;
            var name = pretty ?? RuntimeInformation.OSDescription;
            return kernel is null ? name : $"{name}, kernel {kernel}";
        }
    }

    public static string CpuModel =>
        ReadKey("/proc/cpuinfo", "model name", ':') ?? ReadKey("/proc/cpuinfo", "Model", ':') ?? RuntimeInformation.ProcessArchitecture.ToString();

    static HashSet<string>? CpuFlags =>
        (ReadKey("/proc/cpuinfo", "flags", ':') ?? ReadKey("/proc/cpuinfo", "Features", ':'))?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet();

    /// <summary>Whether libtorch's bf16 kernels run here (<see cref="Osprey.Torch.Diagnostics.Bf16Kernels"/>).</summary>
    public static string Bf16 => CpuFlags is { } flags ? Osprey.Torch.Diagnostics.Bf16Kernels.Describe(flags) : "unknown (no /proc/cpuinfo)";

    /// <summary>The kernel-relevant flags of /proc/cpuinfo; elsewhere the ones .NET itself detects.</summary>
    public static string InstructionSets
    {
        get
        {
            var flags = CpuFlags;
            if (flags is null)
            {
                var found = new List<string>();
                if (System.Runtime.Intrinsics.X86.Avx2.IsSupported) found.Add("avx2");
                if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported) found.Add("avx512f");
                if (System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported) found.Add("asimd");
                return found.Count > 0 ? string.Join(" ", found) : "?";
            }
            var known = KernelFlags.Where(flags.Contains).ToList();
            return known.Count > 0 ? string.Join(" ", known) : "none of " + string.Join(" ", KernelFlags);
        }
    }

    /// <summary>Total and available memory (/proc/meminfo), or what the GC knows.</summary>
    public static string Memory
    {
        get
        {
            long? total = KiB("MemTotal"), available = KiB("MemAvailable");
            if (total is null) return $"{Gib(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes)} available to .NET";
            return available is null ? $"{Gib(total.Value * 1024)} total" : $"{Gib(available.Value * 1024)} available of {Gib(total.Value * 1024)}";
        }
    }

    public static string Disk(string folder)
    {
        var drive = new DriveInfo(Path.GetFullPath(folder));
        return $"{Gib(drive.AvailableFreeSpace)} free of {Gib(drive.TotalSize)} at {drive.RootDirectory.FullName}";
    }

    static long? KiB(string key) =>
        ReadKey("/proc/meminfo", key, ':') is { } text && long.TryParse(text.Split(' ')[0], out var kib) ? kib : null;

    static string Gib(long bytes) => $"{bytes / (1024.0 * 1024 * 1024):F1} GiB";

    static string? ReadKey(string path, string key, char separator)
    {
        try
        {
            if (!File.Exists(path)) return null;
            foreach (var line in File.ReadLines(path))
            {
                int at = line.IndexOf(separator);
                if (at > 0 && line[..at].Trim() == key) return line[(at + 1)..].Trim();
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return null;
    }
}
