using System.CommandLine;
using Osprey.Cli.Commands;
using Osprey.Torch;

var root = new RootCommand("Osprey: train, evaluate and run vision models on libtorch from .NET.\n\n" + Cli.ExitCodesHelp)
{
    HelpName = "osprey",
};
root.Subcommands.Add(DoctorCommand.Create());
root.Subcommands.Add(InfoCommand.Create());
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(ValCommand.Create());
root.Subcommands.Add(PredictCommand.Create());
root.Subcommands.Add(SamplesCommand.Create());
root.Subcommands.Add(CfgCommand.Create());
root.Subcommands.Add(ExportCommand.Create());

var parsed = root.Parse(KeyValueArguments.Rewrite(root, args));
if (parsed.Errors.Count > 0) return Verbs.ReportErrors(root, parsed, args);
try
{
    // Inference: OpenMP threads that sleep instead of spinning between parallel regions (bench/RESULTS.md,
    // inference-modes: 1.3-5x faster forwards on a shared CPU, for Osprey and PyTorch alike). Must precede libtorch's loading.
    if (parsed.CommandResult.Command.Name is "val" or "predict") LibTorch.SetNativeEnvironmentDefault("OMP_WAIT_POLICY", "PASSIVE");
    // Intra-op threads = cores (libtorch's own default counts physical cores only).
    if (Environment.GetEnvironmentVariable("OMP_NUM_THREADS") is null) LibTorch.Threads = Environment.ProcessorCount;
    return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TorchException or IOException or InvalidDataException)
{
    Console.Error.WriteLine($"osprey: {e.Message}");
    return Cli.Failure;
}
