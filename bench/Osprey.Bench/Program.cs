using System.Text.Json;
using Osprey.Bench;
using Osprey.Torch;

// Osprey's half of bench/run.sh: the same workloads and shapes as bench/torch_bench.py, results as JSON.
// Run the built binary (never `dotnet run`): dotnet bench/Osprey.Bench/bin/Release/net10.0/Osprey.Bench.dll
var options = BenchOptions.Parse(args);
LibTorch.Threads = options.Threads;

var results = new Dictionary<string, object>
{
    ["engine"] = "osprey",
    ["runtime"] = $".NET {Environment.Version}",
    ["libtorch"] = LibTorch.Version,
    ["threads"] = LibTorch.Threads,
    ["cores"] = Environment.ProcessorCount,
    ["parallel_info"] = LibTorch.ParallelInfo,
};
if (options.Runs("convnet")) results["convnet"] = ConvNetBench.Run(options.Warmup, options.Steps);
if (options.Runs("ops")) results["op_overhead"] = OpOverheadBench.Run(options.Ops);
if (options.Runs("matmul")) results["matmul"] = MatmulBench.Run(options.MatmulN, warmup: 2, options.MatmulReps);
results["blas_mapped"] = ProcessFacts.MappedBlas();

var json = JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true });
if (options.JsonPath is { } path) File.WriteAllText(path, json + "\n");
Console.WriteLine(json);
