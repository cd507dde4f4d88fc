using System.Diagnostics;
using Osprey.Torch.Serialization;

namespace Osprey.Torch.Tests.Serialization;

/// <summary>Paths of the torch.save fixtures, bitwise tensor comparison, and running Debian's python.</summary>
public static class CheckpointFiles
{
    public const string Python = "/usr/bin/python3";

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "torch", name);

    public static string Hostile(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "hostile", name);

    /// <summary>tools/reference, found by walking up from the test binaries to the repository root.</summary>
    public static string ReferenceScript(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tools", "reference", name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"tools/reference/{name} not found above {AppContext.BaseDirectory}");
    }

    /// <summary>Same keys, and for each: same dtype, same shape, same bytes.</summary>
    public static void AssertIdentical(IReadOnlyDictionary<string, Tensor> expected, IReadOnlyDictionary<string, Tensor> actual, string what)
    {
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, e) in expected)
        {
            var a = actual[key];
            Assert.True(e.DType == a.DType, $"{what} '{key}': dtype {a.DType.Name()}, expected {e.DType.Name()}");
            Assert.True(e.Shape.SequenceEqual(a.Shape), $"{what} '{key}': shape [{string.Join(", ", a.Shape)}], expected [{string.Join(", ", e.Shape)}]");
            Assert.True(e.ToBytes().AsSpan().SequenceEqual(a.ToBytes()), $"{what} '{key}': values differ");
        }
    }

    public static Dictionary<string, Tensor> Expected(string safetensorsPath) => SafeTensors.Load(safetensorsPath).Tensors;

    /// <summary>Runs a python script; returns stdout, failing the test with stderr on a non-zero exit.</summary>
    public static string RunPython(params string[] args)
    {
        var info = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Python} {string.Join(' ', args)} did not finish in 3 minutes");
        }
        Assert.True(process.ExitCode == 0, $"{Python} {string.Join(' ', args)} exited {process.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }
}
