using System.Text.Json.Nodes;
using Osprey.Models;
using Osprey.Torch.NN;

namespace Osprey.Training;

/// <summary>
/// What a checkpoint must carry besides tensors so that <c>val</c>, <c>predict</c> and <c>--resume</c> can rebuild the
/// model and prepare images from the checkpoint alone: task, model name and build arguments, class names, input side,
/// normalization, the resolved options, the best fitness so far and the EMA's update count. Stored as the JSON
/// options object of a <see cref="Osprey.Torch.Serialization.TrainingCheckpoint"/>.
/// </summary>
public sealed record RunInfo(string Task, string Model, IReadOnlyList<string> Classes, long InChannels, int ImageSize, long? Width,
                             bool? SmallStem, float[] Mean, float[] Std, TrainOptions Options)
{
    public double BestFitness { get; init; } = double.NegativeInfinity;
    public long EmaUpdates { get; init; }
    public bool HasEma { get; init; }

    /// <summary>The model arguments of a run: classes and channels from the data; for ResNets the width and the small stem
    /// (automatic for inputs of 64 pixels or less, where the 7x7 stride-2 stem and max-pool would leave too little).</summary>
    public static RunInfo For(TrainOptions o, TaskData data)
    {
        var entry = ModelRegistry.Get(o.Model);
        bool isResNet = entry.Task == ModelTask.Classify;
        bool? smallStem = o.SmallStem ?? (isResNet ? data.ImageSize <= 64 : null);
        return new RunInfo(o.Task, o.Model, data.Classes, data.InChannels, data.ImageSize, o.Width, smallStem, data.Mean, data.Std, o);
    }

    public Module BuildModel() =>
        ModelRegistry.Create(Model, new ModelArgs(Classes.Count, InChannels, Width, SmallStem));

    public JsonObject ToJson()
    {
        var args = new JsonObject();
        foreach (var (k, v) in OptionsReader.ToPairs(Options)) args[k] = v;
        return new JsonObject
        {
            ["task"] = Task,
            ["model"] = Model,
            ["classes"] = new JsonArray(Classes.Select(c => (JsonNode)c).ToArray()),
            ["in_channels"] = InChannels,
            ["imgsz"] = ImageSize,
            ["width"] = Width,
            ["small_stem"] = SmallStem,
            ["mean"] = new JsonArray(Mean.Select(m => (JsonNode)m).ToArray()),
            ["std"] = new JsonArray(Std.Select(m => (JsonNode)m).ToArray()),
            ["best_fitness"] = double.IsFinite(BestFitness) ? BestFitness : null,
            ["ema_updates"] = EmaUpdates,
            ["has_ema"] = HasEma,
            ["args"] = args,
        };
    }

    public static RunInfo FromJson(JsonObject? json, string source)
    {
        if (json is null) throw new InvalidDataException($"{source}: the checkpoint holds no run information (not written by osprey train)");
        try
        {
            var args = (json["args"] as JsonObject ?? throw new FormatException("no 'args'"))
                .Select(p => new KeyValuePair<string, string?>(p.Key, p.Value?.GetValue<string>()));
            var options = OptionsReader.Apply(new TrainOptions(), args, $"{source} (args)");
            return new RunInfo(
                Str(json, "task"), Str(json, "model"),
                (json["classes"] as JsonArray ?? throw new FormatException("no 'classes'")).Select(n => n!.GetValue<string>()).ToArray(),
                json["in_channels"]!.GetValue<long>(), json["imgsz"]!.GetValue<int>(),
                json["width"]?.GetValue<long>(), json["small_stem"]?.GetValue<bool>(),
                Floats(json, "mean"), Floats(json, "std"), options)
            {
                BestFitness = json["best_fitness"]?.GetValue<double>() ?? double.NegativeInfinity,
                EmaUpdates = json["ema_updates"]?.GetValue<long>() ?? 0,
                HasEma = json["has_ema"]?.GetValue<bool>() ?? false,
            };
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or NullReferenceException or System.Text.Json.JsonException)
        {
            throw new InvalidDataException($"{source}: bad run information in the checkpoint: {e.Message}", e);
        }
    }

    static string Str(JsonObject json, string key) => json[key]?.GetValue<string>() ?? throw new FormatException($"no '{key}'");

    static float[] Floats(JsonObject json, string key) =>
        (json[key] as JsonArray ?? throw new FormatException($"no '{key}'")).Select(n => n!.GetValue<float>()).ToArray();
}
