using System.Diagnostics;
using System.Runtime.InteropServices;
using Osprey.Torch.Native;

namespace Osprey.Torch.Diagnostics;

/// <summary>What <c>osprey doctor</c> reports about the native stack.</summary>
public static class NativeDiagnostics
{
    /// <summary>Loads the shim and returns the exports it lacks (empty when all are there).</summary>
    public static IReadOnlyList<string> MissingExports()
    {
        var handle = NativeLoader.Handle;
        return NativeMethods.Exports.Where(name => !NativeLibrary.TryGetExport(handle, name, out _)).ToList();
    }

    public static int ExportCount => NativeMethods.Exports.Length;

    /// <summary>The shim's exports the binding uses (native/osprey_native.h declares the same).</summary>
    public static IReadOnlyList<string> Exports => NativeMethods.Exports;

    /// <summary>The shared libraries mapped into this process whose file name matches <paramref name="pattern"/>.</summary>
    public static IReadOnlyList<string> LoadedLibraries(string pattern)
    {
        const string maps = "/proc/self/maps";
        if (!File.Exists(maps)) return [];
        return File.ReadLines(maps)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(parts => parts.Length >= 6 && parts[5].StartsWith('/'))
            .Select(parts => parts[5])
            .Where(path => System.Text.RegularExpressions.Regex.IsMatch(Path.GetFileName(path), pattern))
            .Distinct()
            .ToList();
    }

    /// <summary>The BLAS library libtorch resolved (libblas.so.3 and what it links to), and whether it is an optimized one.</summary>
    public static (string Description, bool Optimized) Blas()
    {
        var libs = LoadedLibraries(@"^lib(open)?blas|^libmkl|^libblis");
        if (libs.Count == 0) return ("no BLAS library mapped (libtorch not loaded yet?)", false);
        var resolved = libs.Select(p => new FileInfo(p).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? p).Distinct().ToList();
        bool optimized = resolved.Any(p => p.Contains("openblas") || p.Contains("mkl") || p.Contains("blis"));
        var kind = resolved.Any(p => p.Contains("openblas")) ? "OpenBLAS"
                 : resolved.Any(p => p.Contains("mkl")) ? "MKL"
                 : resolved.Any(p => p.Contains("blis")) ? "BLIS"
                 : "reference BLAS (netlib)";
        return ($"{kind}: {string.Join(", ", resolved)}", optimized);
    }

    /// <summary>Measured float32 matmul speed at n x n (median of a few runs), in GFLOP/s.</summary>
    public static double MatmulGflops(int n = 1024, int repeats = 5)
    {
        using var scope = TensorScope.Begin();
        using var noGrad = Autograd.NoGrad();
        var a = Tensor.Randn([n, n]);
        var b = Tensor.Randn([n, n]);
        a.Matmul(b).Dispose();
        var times = new List<double>();
        for (int k = 0; k < repeats; k++)
        {
            var watch = Stopwatch.StartNew();
            a.Matmul(b).Dispose();
            times.Add(watch.Elapsed.TotalSeconds);
        }
        times.Sort();
        return 2.0 * n * n * n / times[times.Count / 2] / 1e9;
    }
}
