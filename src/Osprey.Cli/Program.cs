using System.CommandLine;
using Osprey.Cli.Commands;
using Osprey.Torch;

// Exit codes: 0 ok, 1 failure (message on stderr), 2 usage error.
var root = new RootCommand("Osprey: train, evaluate and run vision models on libtorch from .NET");
root.Subcommands.Add(DoctorCommand.Create());
root.Subcommands.Add(InfoCommand.Create());
root.Subcommands.Add(TrainCommand.Create());
root.Subcommands.Add(ValCommand.Create());
root.Subcommands.Add(PredictCommand.Create());
root.Subcommands.Add(SamplesCommand.Create());
root.Subcommands.Add(ExportCommand.Create());

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors) Console.Error.WriteLine($"osprey: {error.Message}");
    return 2;
}
try
{
    // Intra-op threads = cores (libtorch's own default counts physical cores only).
    if (Environment.GetEnvironmentVariable("OMP_NUM_THREADS") is null) LibTorch.Threads = Environment.ProcessorCount;
    return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TorchException or IOException or InvalidDataException)
{
    Console.Error.WriteLine($"osprey: {e.Message}");
    return 1;
}
