using System.Text.Json.Nodes;
using Osprey.Data.Images;
using Osprey.Models;
using Osprey.Torch.NN;

namespace Osprey.Training;

/// <summary>
/// What a checkpoint must carry besides tensors so that <c>val</c>, <c>predict</c> and <c>--resume</c> can rebuild the
/// model and prepare images from the checkpoint alone: task, model name and build arguments, class names, input side,
/// normalization, the resolved options, the best fitness so far and the EMA's update count. Stored as the JSON
/// options object of a <see cref="Osprey.Torch.Serialization.TrainingCheckpoint"/>. <see cref="ModelOptions"/> are the
/// model family's build options as resolved for the run (a ResNet's width and small stem).
/// </summary>
public sealed record RunInfo(string Task, string Model, IReadOnlyList<string> Classes, long InChannels, int ImageSize,
                             IReadOnlyDictionary<string, string> ModelOptions, float[] Mean, float[] Std, TrainOptions Options)
{
    public double BestFitness { get; init; } = double.NegativeInfinity;
    /// <summary>The last epoch (1-based) whose fitness equalled or beat the best before it: early stopping counts from it.</summary>
    public int BestEpoch { get; init; }
    public long EmaUpdates { get; init; }
    public bool HasEma { get; init; }
    /// <summary>Seconds spent in finished epochs (training and validation), across resumes: results.csv's time column.</summary>
    public double TrainSeconds { get; init; }
    /// <summary>Segmentation: the dataset's class colours, so predict draws them without the data (null: none recorded).</summary>
    public IReadOnlyList<Rgb>? Palette { get; init; }
    /// <summary>Segmentation: the dataset's ignore value in masks (null: none recorded).</summary>
    public int? IgnoreIndex { get; init; }
    /// <summary>Ranks the run trained on (1: one process); a resume must use as many.</summary>
    public int WorldSize { get; init; } = 1;

    /// <summary>The model arguments of a run: classes and channels from the data, the model options as the model's
    /// entry resolves them for the input size (the ResNet small stem is automatic for inputs of 64 pixels or less).</summary>
    public static RunInfo For(TrainOptions o, TaskData data)
    {
        var args = new ModelArgs(data.Classes.Count, data.InChannels, data.ImageSize, o.ModelOptions);
        var resolved = ModelRegistry.Get(o.Model).Resolve(args);
        return new RunInfo(o.Task, o.Model, data.Classes, data.InChannels, data.ImageSize, resolved, data.Mean, data.Std, o)
        {
            Palette = data.Palette, IgnoreIndex = data.IgnoreIndex,
        };
    }

    public ModelArgs Args => new(Classes.Count, InChannels, ImageSize, ModelOptions);

    public Module BuildModel() => ModelRegistry.Create(Model, Args);

    public JsonObject ToJson()
    {
        var args = new JsonObject();
        foreach (var (k, v) in OptionsReader.ToPairs(Options)) args[k] = v;
        var json = new JsonObject
        {
            ["task"] = Task,
            ["model"] = Model,
            ["classes"] = new JsonArray(Classes.Select(c => (JsonNode)c).ToArray()),
            ["in_channels"] = InChannels,
            ["imgsz"] = ImageSize,
            ["model_options"] = new JsonObject(ModelOptions.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["mean"] = new JsonArray(Mean.Select(m => (JsonNode)m).ToArray()),
            ["std"] = new JsonArray(Std.Select(m => (JsonNode)m).ToArray()),
            ["best_fitness"] = double.IsFinite(BestFitness) ? BestFitness : null,
            ["best_epoch"] = BestEpoch,
            ["ema_updates"] = EmaUpdates,
            ["has_ema"] = HasEma,
            ["train_seconds"] = TrainSeconds,
            ["world_size"] = WorldSize,
            ["args"] = args,
        };
        if (Palette != null) json["palette"] = new JsonArray(Palette.Select(c => (JsonNode)new JsonArray(c.R, c.G, c.B)).ToArray());
        if (IgnoreIndex != null) json["ignore_index"] = IgnoreIndex;
        return json;
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
                json["in_channels"]!.GetValue<long>(), json["imgsz"]!.GetValue<int>(), ModelOptionsOf(json),
                Floats(json, "mean"), Floats(json, "std"), options)
            {
                BestFitness = json["best_fitness"]?.GetValue<double>() ?? double.NegativeInfinity,
                BestEpoch = json["best_epoch"]?.GetValue<int>() ?? 0,
                EmaUpdates = json["ema_updates"]?.GetValue<long>() ?? 0,
                HasEma = json["has_ema"]?.GetValue<bool>() ?? false,
                TrainSeconds = json["train_seconds"]?.GetValue<double>() ?? 0,
                Palette = PaletteOf(json),
                IgnoreIndex = json["ignore_index"]?.GetValue<int>(),
                WorldSize = json["world_size"]?.GetValue<int>() ?? 1,
            };
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or NullReferenceException or System.Text.Json.JsonException)
        {
            throw new InvalidDataException($"{source}: bad run information in the checkpoint: {e.Message}", e);
        }
    }

    // Checkpoints written before model options were generic carry a ResNet's "width" and "small_stem" at the top level.
    static Dictionary<string, string> ModelOptionsOf(JsonObject json)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        if (json["model_options"] is JsonObject saved)
            foreach (var (k, v) in saved) options[k] = v?.GetValue<string>() ?? throw new FormatException($"model option '{k}' is null");
        else
            foreach (var key in new[] { "width", "small_stem" })
                if (json[key] is { } legacy) options[key] = legacy.ToJsonString();
        return options;
    }

    static Rgb[]? PaletteOf(JsonObject json) => json["palette"] is JsonArray colours
        ? colours.Select((c, i) => c is JsonArray { Count: 3 } rgb
            ? new Rgb(rgb[0]!.GetValue<byte>(), rgb[1]!.GetValue<byte>(), rgb[2]!.GetValue<byte>())
            : throw new FormatException($"palette colour {i} is not [r, g, b]")).ToArray()
        : null;

    static string Str(JsonObject json, string key) => json[key]?.GetValue<string>() ?? throw new FormatException($"no '{key}'");

    static float[] Floats(JsonObject json, string key) =>
        (json[key] as JsonArray ?? throw new FormatException($"no '{key}'")).Select(n => n!.GetValue<float>()).ToArray();
}
