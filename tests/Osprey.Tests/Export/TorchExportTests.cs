using System.Diagnostics;
using System.Security.Cryptography;
using Osprey.Export;
using Osprey.Models;

namespace Osprey.Tests.Export;

/// <summary>
/// <c>--format torch</c>: Debian's torch.load reads the file, every tensor is byte-identical to Osprey's (SHA-256 of
/// the raw values, with shape and dtype), and torchvision's ResNet-18 loads it strictly.
/// </summary>
public class TorchExportTests
{
    const string Script = """
        import hashlib, sys, torch, torchvision
        sd = torch.load(sys.argv[1])
        for k, t in sd.items():
            print(k, str(t.dtype).replace('torch.', ''), 'x'.join(map(str, t.shape)), hashlib.sha256(t.contiguous().numpy().tobytes()).hexdigest())
        torchvision.models.resnet18(num_classes=10).load_state_dict(sd, strict=True)
        print('strict-load-ok')
        """;

    [Fact]
    public async Task TorchLoadsTheStateDictAndTorchvisionTakesItStrictly()
    {
        Assert.True(File.Exists("/usr/bin/python3"), "Debian's /usr/bin/python3 with python3-torch is required (scripts/setup.sh)");
        using var model = ModelRegistry.Create("resnet18", new ModelArgs(10, 3, 224));
        var path = Path.Combine(Path.GetTempPath(), $"osprey-torch-export-{Guid.NewGuid():N}.pt");
        try
        {
            TorchExport.Export(model, path);
            var info = new ProcessStartInfo("/usr/bin/python3", ["-c", Script, path]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"python failed: {stderr}");
            var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("strict-load-ok", lines[^1]);
            using var scope = TensorScope.Begin();
            var expected = model.StateDict().Select(kv =>
                $"{kv.Key} {Dtype(kv.Value.DType)} {string.Join("x", kv.Value.Shape)} {Convert.ToHexStringLower(SHA256.HashData(kv.Value.Contiguous().ToBytes()))}");
            Assert.Equal(expected.ToList(), lines[..^1]);
        }
        finally { File.Delete(path); }
    }

    static string Dtype(DType d) => d switch { DType.Float32 => "float32", DType.Int64 => "int64", _ => d.ToString() };
}
