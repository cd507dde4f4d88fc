namespace Osprey.Cli.Tests.Commands;

/// <summary><c>osprey doctor</c>: the machine facts, a table within the terminal width, and a failing check's exit code.</summary>
public class DoctorTests
{
    [Fact]
    public void PrintsVersionsAndMachineWithinTheWidth()
    {
        var (code, output, err) = OspreyProcess.Run(Path.GetTempPath(), new Dictionary<string, string> { ["COLUMNS"] = "64" }, "doctor");
        Assert.True(code == 0, err);
        foreach (var row in new[] { "osprey", ".NET", "OS", "CPU", "instruction sets", "bf16 kernels", "memory", "disk", "libtorch", "image codecs" })
            Assert.Contains($"| {row} ", output);
        Assert.Contains(Environment.Version.ToString(2), output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, l => Assert.True(l.Length <= 64, $"{l.Length} characters: {l}"));
        Assert.DoesNotContain("\u001b[", output);   // redirected: no colour codes
        if (File.Exists("/proc/cpuinfo") && File.ReadAllText("/proc/cpuinfo").Contains(" avx2"))
            Assert.Contains("avx2", output);
        // The native library's path is wrapped after a '/', never inside a folder or file name.
        Assert.Contains("libosprey_native.so", output);
    }

    [Fact]
    public void AFailedCheckExitsOne()
    {
        if (Osprey.Torch.LibTorch.CudaDeviceCount > 0) return;   // the check that fails here needs a CPU-only libtorch
        var (code, output, err) = OspreyProcess.Run(Path.GetTempPath(), new Dictionary<string, string> { ["COLUMNS"] = "100" }, "doctor", "--device", "cuda");
        Assert.Equal(1, code);
        Assert.Contains("| device cuda ", output);
        Assert.Contains("FAILED", output);
        Assert.Contains("1 check(s) failed: device cuda", err);
    }
}
