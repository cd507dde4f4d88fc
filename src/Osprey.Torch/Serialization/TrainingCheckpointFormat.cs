using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Osprey.Torch.Optim;

namespace Osprey.Torch.Serialization;

/// <summary>
/// The layout of <see cref="TrainingCheckpoint"/> inside a safetensors file. Metadata (all strings):
/// <c>format</c> = "osprey.training-checkpoint", <c>version</c> = "1", <c>epoch</c>, <c>iteration</c>, and when
/// present <c>optimizer</c> (the optimizer's groups JSON), <c>schedule</c> (the scheduler state JSON) and
/// <c>options</c> (the run options JSON). Tensors: <c>model.&lt;key&gt;</c> (the trainer keeps an EMA copy as
/// <c>model.ema.&lt;key&gt;</c>), <c>optim.&lt;state key&gt;</c>, <c>rng.cpu</c>. docs/checkpoint-format.md describes it for readers
/// in other languages.
/// </summary>
public static class TrainingCheckpointFormat
{
    public const string FormatName = "osprey.training-checkpoint";
    public const int Version = 1;
    public const string ModelPrefix = "model.", OptimPrefix = "optim.", RngKey = "rng.cpu", EmaPrefix = "ema.";

    /// <summary>A tensor's part ("model", "ema", "optim") and its key inside it; (name, null) for one outside them (rng.cpu).</summary>
    public static (string Part, string? Key) PartOf(string name)
    {
        if (name.StartsWith(ModelPrefix + EmaPrefix, StringComparison.Ordinal)) return ("ema", name[(ModelPrefix.Length + EmaPrefix.Length)..]);
        if (name.StartsWith(ModelPrefix, StringComparison.Ordinal)) return ("model", name[ModelPrefix.Length..]);
        if (name.StartsWith(OptimPrefix, StringComparison.Ordinal)) return ("optim", name[OptimPrefix.Length..]);
        return (name, null);
    }

    internal sealed record Parts(Dictionary<string, Tensor> Model, OptimizerStateDict? Optimizer, JsonObject? Schedule,
                                 long Epoch, long Iteration, Tensor? RngState, JsonObject? Options);

    internal static void Write(Stream stream, TrainingCheckpoint checkpoint)
    {
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (k, t) in checkpoint.Model) tensors[ModelPrefix + k] = t;
        if (checkpoint.Optimizer is { } optimizer)
            foreach (var (k, t) in optimizer.Tensors) tensors[OptimPrefix + k] = t;
        if (checkpoint.RngState is { } rng) tensors[RngKey] = rng;
        var metadata = new Dictionary<string, string>
        {
            ["format"] = FormatName,
            ["version"] = Version.ToString(CultureInfo.InvariantCulture),
            ["epoch"] = checkpoint.Epoch.ToString(CultureInfo.InvariantCulture),
            ["iteration"] = checkpoint.Iteration.ToString(CultureInfo.InvariantCulture),
        };
        if (checkpoint.Optimizer is { } o) metadata["optimizer"] = o.Groups.ToJsonString();
        if (checkpoint.Schedule is { } s) metadata["schedule"] = s.ToJsonString();
        if (checkpoint.Options is { } opts) metadata["options"] = opts.ToJsonString();
        SafeTensors.Write(stream, tensors, metadata);
    }

    /// <summary>Sorts the file's tensors into parts (the caller owns the tensors) and parses the metadata.</summary>
    internal static Parts Read(string path, Dictionary<string, Tensor> tensors, Dictionary<string, string> metadata)
    {
        var format = metadata.GetValueOrDefault("format");
        if (format != FormatName)
            throw new TorchException($"{path}: not an Osprey training checkpoint (metadata 'format' is {(format == null ? "missing" : $"'{format}'")}, " +
                                     $"expected '{FormatName}'); a plain state dict has no run information (task, classes, input size): " +
                                     "osprey info lists its tensors, TorchLoad.LoadStateDict reads them");
        var version = Number(path, metadata, "version");
        if (version != Version)
            throw new TorchException($"{path}: training checkpoint version {version}; this build reads version {Version}");

        var model = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var optimTensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        Tensor? rng = null;
        foreach (var (name, tensor) in tensors)
        {
            if (name.StartsWith(ModelPrefix, StringComparison.Ordinal)) model[name[ModelPrefix.Length..]] = tensor;
            else if (name.StartsWith(OptimPrefix, StringComparison.Ordinal)) optimTensors[name[OptimPrefix.Length..]] = tensor;
            else if (name == RngKey) rng = tensor;
            else throw new TorchException($"{path}: tensor '{name}' belongs to no part of a training checkpoint (expected {ModelPrefix}*, {OptimPrefix}* or {RngKey})");
        }
        if (rng != null && rng.DType != DType.UInt8)
            throw new TorchException($"{path}: '{RngKey}' is {rng.Describe()}; expected a uint8 RNG state");

        var optimGroups = Json(path, metadata, "optimizer");
        if (optimGroups == null && optimTensors.Count > 0)
            throw new TorchException($"{path}: has optimizer tensors ({optimTensors.Keys.First()}, ...) but no 'optimizer' metadata");
        OptimizerStateDict? optimizer = null;
        if (optimGroups != null)
        {
            foreach (var key in optimTensors.Keys)
            {
                try { OptimizerStateDict.ParseKey(key); }
                catch (FormatException e) { throw new TorchException($"{path}: {e.Message}"); }
            }
            CheckOptimizerGroups(path, optimGroups);
            optimizer = new OptimizerStateDict(optimTensors, optimGroups);
        }
        var options = Json(path, metadata, "options");
        long epoch = Number(path, metadata, "epoch"), iteration = Number(path, metadata, "iteration");
        if (epoch < 0 || epoch > int.MaxValue)
            throw new TorchException($"{path}: metadata 'epoch' = {epoch} is impossible (epochs done: 0 or more)");
        if (iteration < 0)
            throw new TorchException($"{path}: metadata 'iteration' = {iteration} is impossible (optimizer steps done: 0 or more)");
        if (options?["epochs"] is JsonValue total && total.TryGetValue<long>(out var epochs) && epoch > epochs)
            throw new TorchException($"{path}: metadata 'epoch' = {epoch} is past the run's {epochs} epochs (metadata 'options'.epochs)");
        return new Parts(model, optimizer, Json(path, metadata, "schedule"), epoch, iteration, rng, options);
    }

    /// <summary>The fields every optimizer's LoadStateDict relies on: "type" a string, "param_groups" an array of objects
    /// whose "params" are arrays of non-negative integers.</summary>
    static void CheckOptimizerGroups(string path, JsonObject groups)
    {
        if (groups["type"] is not JsonValue type || !type.TryGetValue<string>(out _))
            throw new TorchException($"{path}: metadata 'optimizer' field 'type' is missing or not a string");
        if (groups["param_groups"] is not JsonArray list)
            throw new TorchException($"{path}: metadata 'optimizer' field 'param_groups' is missing or not an array");
        for (int g = 0; g < list.Count; g++)
        {
            if (list[g] is not JsonObject group || group["params"] is not JsonArray ids)
                throw new TorchException($"{path}: metadata 'optimizer' field 'param_groups[{g}].params' is missing or not an array");
            foreach (var id in ids)
                if (id is not JsonValue v || !v.TryGetValue<int>(out var index) || index < 0)
                    throw new TorchException($"{path}: metadata 'optimizer' field 'param_groups[{g}].params' holds {id?.ToJsonString() ?? "null"}, not a parameter index");
        }
    }

    /// <summary>Longest JSON metadata value parsed (4 M characters: an optimizer's groups for ~500,000 parameters).</summary>
    const int MaxJsonChars = 4 << 20;

    static long Number(string path, Dictionary<string, string> metadata, string key)
    {
        if (!metadata.TryGetValue(key, out var text))
            throw new TorchException($"{path}: training checkpoint metadata lacks '{key}'");
        if (!long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
            throw new TorchException($"{path}: metadata '{key}' = '{text}' is not an integer");
        return value;
    }

    static JsonObject? Json(string path, Dictionary<string, string> metadata, string key)
    {
        if (!metadata.TryGetValue(key, out var text)) return null;
        if (text.Length > MaxJsonChars)
            throw new TorchException($"{path}: metadata '{key}' is {text.Length} characters of JSON, over the {MaxJsonChars} this reader parses");
        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw new JsonException("not a JSON object");
        }
        catch (JsonException e)
        {
            throw new TorchException($"{path}: metadata '{key}' is not a JSON object: {e.Message}");
        }
    }
}
