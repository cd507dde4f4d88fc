using System.CommandLine;
using Osprey.Data.Images;
using Osprey.Torch;
using Osprey.Torch.Diagnostics;
using Spectre.Console;

namespace Osprey.Cli.Commands;

/// <summary><c>osprey doctor</c>: can this machine run Osprey, and on what? Exits 1 when a check fails.</summary>
public static class DoctorCommand
{
    public static Command Create()
    {
        var full = new Option<bool>("--build-config") { Description = "Also print libtorch's full build configuration" };
        var device = DeviceOption.Create();
        device.Description = "also check that this device can be used: cpu, cuda or cuda:N";
        var command = new Command("doctor",
            "Check the native library, libtorch, BLAS, image codecs, threads and devices, and print the versions, OS, CPU " +
            "(model, instruction sets), memory and disk. Exits 1 when a check fails (marked FAILED), 0 otherwise.")
        { full, device };
        command.SetAction(result => Run(result.GetValue(full), result.GetValue(device)!));
        return command;
    }

    static int Run(bool showBuildConfig, string device)
    {
        FitTerminal();
        var failures = new List<string>();
        var table = new FittedTable();
        void Fail(string check, string message)
        {
            failures.Add(check);
            table.AddRow(check, "FAILED: " + message, "red");
        }
        table.AddRow("osprey", MachineFacts.OspreyVersion);
        table.AddRow(".NET", MachineFacts.DotNet);
        table.AddRow("OS", MachineFacts.OperatingSystem);
        table.AddRow("CPU", $"{MachineFacts.CpuModel}, {Environment.ProcessorCount} logical cores");
        table.AddRow("instruction sets", MachineFacts.InstructionSets);
        table.AddRow("bf16 kernels", MachineFacts.Bf16);
        table.AddRow("memory", MachineFacts.Memory);
        table.AddRow("disk", MachineFacts.Disk("."));
        bool optimized = NativeChecks(table, Fail);
        if (!failures.Contains("native library")) DeviceCheck(table, Fail, device);
        try
        {
            var (versions, path) = ImageCodec.Library;
            table.AddRow("image codecs", $"{versions} ({path})");
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            Fail("image codecs", e.Message);
        }
        AnsiConsole.Write(table.Build());
        if (!optimized && failures.Count == 0)
            AnsiConsole.MarkupLine("[yellow]libblas.so.3 is not an optimized BLAS: matmul and linear run ~100x slower. " +
                                   "Install libopenblas0-pthread (scripts/setup.sh does) and select it with update-alternatives.[/]");
        if (showBuildConfig && !failures.Contains("native library"))
        {
            Console.WriteLine(LibTorch.BuildConfig);
            Console.WriteLine(LibTorch.ParallelInfo);
        }
        if (failures.Count == 0) return Cli.Ok;
        Console.Error.WriteLine($"osprey doctor: {failures.Count} check(s) failed: {string.Join(", ", failures)}");
        return Cli.Failure;
    }

    /// <summary>The native library, its exports, libtorch, a first op, BLAS, threads and devices; false when BLAS is a reference one.</summary>
    static bool NativeChecks(FittedTable table, Action<string, string> fail)
    {
        IReadOnlyList<string> missing;
        try
        {
            missing = NativeDiagnostics.MissingExports();
        }
        catch (DllNotFoundException e)
        {
            fail("native library", $"it cannot be loaded: {e.Message}");
            return true;
        }
        table.AddRow("native library", LibTorch.NativeLibraryPath ?? "?");
        if (missing.Count > 0)
        {
            fail("exports", $"{missing.Count} missing ({string.Join(", ", missing)}): the library is older than this build; rebuild it with scripts/setup.sh");
            return true;
        }
        table.AddRow("exports", $"all {NativeDiagnostics.ExportCount} present");
        table.AddRow("libtorch", LibTorch.Version);
        using (var scope = TensorScope.Begin())
        {
            var check = Tensor.From(new float[] { 1, 2, 3, 4 }, 2, 2).Matmul(Tensor.Eye(2)).Sum().Item<float>();
            if (check == 10) table.AddRow("first op", "matmul ok");
            else fail("first op", $"matmul gave {check}, expected 10");
        }
        var (blas, optimized) = NativeDiagnostics.Blas();
        table.AddRow("BLAS", blas, optimized ? null : "yellow");
        table.AddRow("matmul 1024", $"{NativeDiagnostics.MatmulGflops():F1} GFLOP/s (float32)");
        table.AddRow("threads", $"{LibTorch.Threads} intra-op (cores: {Environment.ProcessorCount})");
        var cpuCapability = LibTorch.BuildConfig.Split('\n').FirstOrDefault(l => l.Contains("CPU capability")) ?? "";
        if (cpuCapability.Length > 0) table.AddRow("CPU kernels", cpuCapability.Trim(' ', '-'));
        return optimized;
    }

    static void DeviceCheck(FittedTable table, Action<string, string> fail, string device)
    {
        var cuda = LibTorch.CudaDeviceCount;
        table.AddRow("devices", cuda > 0 ? $"cpu, {cuda} CUDA"
            : LibTorch.BuiltWithCuda ? "cpu (this libtorch has CUDA but sees no device)" : "cpu (this libtorch is built without CUDA)");
        if (device == "cpu") return;
        var saved = Console.Error;
        using var message = new StringWriter();
        Console.SetError(message);
        int? refused;
        try
        {
            refused = DeviceOption.Check(device);
        }
        finally
        {
            Console.SetError(saved);
        }
        if (refused is null) table.AddRow($"device {device}", "usable");
        else fail($"device {device}", message.ToString().Trim().Replace("osprey: ", ""));
    }

    /// <summary>The table follows the terminal's width; when output is redirected, $COLUMNS if set (else Spectre's 80).</summary>
    static void FitTerminal()
    {
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Capabilities.Ansi = false;
        if (int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns >= 40) AnsiConsole.Profile.Width = columns;
        else if (!Console.IsOutputRedirected && Console.WindowWidth >= 40) AnsiConsole.Profile.Width = Console.WindowWidth;
    }
}
