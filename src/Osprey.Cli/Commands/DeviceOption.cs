using System.CommandLine;
using Osprey.Torch;

namespace Osprey.Cli.Commands;

/// <summary><c>--device cpu|cuda[:N]</c>, checked against the loaded libtorch before any work starts.</summary>
public static class DeviceOption
{
    public static Option<string> Create() => new("--device")
    {
        Description = "cpu, cuda, cuda:N or N (ultralytics' device=0); CUDA needs a libtorch built with it, and Debian's " +
                      "libtorch-dev is CPU-only",
        DefaultValueFactory = _ => "cpu",
    };

    /// <summary>Null when the device can be used; otherwise the exit code, its message printed.</summary>
    public static int? Check(string text)
    {
        Device device;
        try
        {
            // ultralytics takes a bare index (device=0) or a list (device=0,1) for CUDA devices.
            device = Device.Parse(text.Length > 0 && text.All(c => char.IsAsciiDigit(c) || c == ',') ? "cuda:" + text.Split(',')[0] : text);
        }
        catch (TorchException e)
        {
            return Cli.Usage($"--device: {e.Message}");
        }
        if (device.Type == DeviceType.Cpu) return null;
        var refused = Refusal(text, device);
        Console.Error.WriteLine($"osprey: --device {text}: {refused}");
        return Cli.Failure;
    }

    /// <summary>Why a CUDA device cannot be used, as ultralytics' select_device reports it: what libtorch was built with,
    /// what it sees, and what to do.</summary>
    static string Refusal(string text, Device device)
    {
        var library = $"this libtorch ({LibTorch.Version})";
        if (!LibTorch.BuiltWithCuda)
            return $"{library} is built without CUDA (USE_CUDA=OFF; Debian's libtorch-dev is a CPU-only build). Use --device cpu, " +
                   "or install a CUDA build of libtorch 1.13 (pytorch.org's libtorch-cxx11-abi-shared-with-deps for CUDA 11.6/11.7, " +
                   "with a matching NVIDIA driver) and rebuild native/ against it";
        long count = LibTorch.CudaDeviceCount;
        if (count == 0)
            return $"{library} has CUDA but sees no device (torch.cuda.device_count() = 0; CUDA_VISIBLE_DEVICES=" +
                   $"{Environment.GetEnvironmentVariable("CUDA_VISIBLE_DEVICES") ?? "<unset>"}): check the NVIDIA driver with nvidia-smi, or use --device cpu";
        int index = Math.Max(0, device.Index);
        if (index >= count) return $"this machine has {count} CUDA device(s), cuda:0 to cuda:{count - 1}";
        return $"libtorch sees {count} CUDA device(s), but Osprey's training and inference run on the CPU only; use --device cpu";
    }
}
