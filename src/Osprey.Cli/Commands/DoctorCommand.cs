using System.CommandLine;
using Osprey.Data.Images;
using Osprey.Torch;
using Osprey.Torch.Diagnostics;
using Spectre.Console;

namespace Osprey.Cli.Commands;

/// <summary><c>osprey doctor</c>: can this machine run Osprey, and on what?</summary>
public static class DoctorCommand
{
    public static Command Create()
    {
        var full = new Option<bool>("--build-config") { Description = "Also print libtorch's full build configuration" };
        var command = new Command("doctor", "Check the native library, libtorch, BLAS, threads and devices") { full };
        command.SetAction(result => Run(result.GetValue(full)));
        return command;
    }

    static int Run(bool showBuildConfig)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("check").AddColumn("result");
        IReadOnlyList<string> missing;
        try
        {
            missing = NativeDiagnostics.MissingExports();
        }
        catch (DllNotFoundException e)
        {
            Console.Error.WriteLine($"osprey doctor: the native library cannot be loaded.\n{e.Message}");
            return 1;
        }
        table.AddRow("native library", Markup.Escape(LibTorch.NativeLibraryPath ?? "?"));
        if (missing.Count > 0)
        {
            Console.Error.WriteLine($"osprey doctor: {LibTorch.NativeLibraryPath} lacks {missing.Count} export(s): {string.Join(", ", missing)}.\n" +
                                    "It is older than this build of Osprey: rebuild it with scripts/setup.sh.");
            return 1;
        }
        table.AddRow("exports", $"all {NativeDiagnostics.ExportCount} present");
        table.AddRow("libtorch", LibTorch.Version);
        using (var scope = TensorScope.Begin())
        {
            var check = Tensor.From(new float[] { 1, 2, 3, 4 }, 2, 2).Matmul(Tensor.Eye(2)).Sum().Item<float>();
            table.AddRow("first op", check == 10 ? "matmul ok" : $"[red]matmul gave {check}, expected 10[/]");
        }
        var (blas, optimized) = NativeDiagnostics.Blas();
        table.AddRow("BLAS", optimized ? Markup.Escape(blas) : $"[yellow]{Markup.Escape(blas)}[/]");
        table.AddRow("matmul 1024", $"{NativeDiagnostics.MatmulGflops():F1} GFLOP/s (float32)");
        table.AddRow("threads", $"{LibTorch.Threads} intra-op (cores: {Environment.ProcessorCount})");
        var cuda = LibTorch.CudaDeviceCount;
        table.AddRow("devices", cuda > 0 ? $"cpu, {cuda} CUDA" : "cpu (this libtorch has no CUDA devices)");
        try
        {
            var (versions, path) = ImageCodec.Library;
            table.AddRow("image codecs", Markup.Escape($"{versions} ({path})"));
        }
        catch (DllNotFoundException e)
        {
            table.AddRow("image codecs", $"[red]{Markup.Escape(e.Message)}[/]");
        }
        var cpuCapability = LibTorch.BuildConfig.Split('\n').FirstOrDefault(l => l.Contains("CPU capability")) ?? "";
        if (cpuCapability.Length > 0) table.AddRow("CPU kernels", Markup.Escape(cpuCapability.Trim(' ', '-')));
        AnsiConsole.Write(table);
        if (!optimized)
            AnsiConsole.MarkupLine("[yellow]libblas.so.3 is not an optimized BLAS: matmul and linear run ~100x slower. " +
                                   "Install libopenblas0-pthread (scripts/setup.sh does) and select it with update-alternatives.[/]");
        if (showBuildConfig)
        {
            Console.WriteLine(LibTorch.BuildConfig);
            Console.WriteLine(LibTorch.ParallelInfo);
        }
        return 0;
    }
}
