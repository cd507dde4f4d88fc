using System.CommandLine;
using Osprey.Torch;

namespace Osprey.Cli.Commands;

/// <summary><c>--device cpu|cuda[:N]</c>, checked against the loaded libtorch before any work starts.</summary>
public static class DeviceOption
{
    public static Option<string> Create() => new("--device")
    {
        Description = "cpu, cuda or cuda:N (CUDA needs a libtorch built with it; Debian's libtorch-dev is CPU-only)",
        DefaultValueFactory = _ => "cpu",
    };

    /// <summary>Null when the device can be used; otherwise the exit code, its message printed.</summary>
    public static int? Check(string text)
    {
        Device device;
        try
        {
            device = Device.Parse(text);
        }
        catch (TorchException e)
        {
            return Cli.Usage($"--device: {e.Message}");
        }
        if (device.Type == DeviceType.Cpu) return null;
        long count = LibTorch.CudaDeviceCount;
        if (count == 0)
        {
            Console.Error.WriteLine($"osprey: --device {text}: this libtorch ({LibTorch.Version}) has no CUDA devices (a CPU-only build, " +
                                    "or no GPU or driver is visible); use --device cpu, or install a CUDA build of libtorch");
            return Cli.Failure;
        }
        int index = Math.Max(0, device.Index);
        if (index >= count)
        {
            Console.Error.WriteLine($"osprey: --device {text}: this machine has {count} CUDA device(s), cuda:0 to cuda:{count - 1}");
            return Cli.Failure;
        }
        Console.Error.WriteLine($"osprey: --device {text}: libtorch sees {count} CUDA device(s), but Osprey's training and inference run on the CPU " +
                                "only (TrainOptions has no device yet); use --device cpu");
        return Cli.Failure;
    }
}
