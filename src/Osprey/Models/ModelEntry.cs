using Osprey.Torch.NN;

namespace Osprey.Models;

/// <summary>
/// A registered model: its name, task, defaults, the options its family declares, and how to build it.
/// <see cref="SmallImageSize"/> is the smallest convenient input side (for quick checks and tests);
/// <see cref="DefaultImageSize"/> the usual one. Every model it builds is an <see cref="IImageModel"/>.
/// </summary>
public sealed record ModelEntry(string Name, ModelTask Task, string Description, long DefaultClasses, long DefaultInChannels,
                                long DefaultImageSize, long SmallImageSize, Func<ModelArgs, Module> Builder)
{
    public IReadOnlyList<ModelOption> Options { get; init; } = [];

    /// <summary>The architecture family (resnet, unet, pspnet, detr, yolo): tasks that train families differently
    /// (YOLO's and DETR's detection recipes) choose by it.</summary>
    public string Family { get; init; } = "";

    /// <summary>Builds the model; an option the family does not declare is an error, not silently ignored.</summary>
    public Module Build(ModelArgs? args = null)
    {
        args ??= new ModelArgs();
        foreach (var key in args.Options?.Keys ?? [])
            if (Options.All(o => o.Key != key))
                throw new ArgumentException($"model '{Name}' has no option '{key}'; " +
                                            (Options.Count == 0 ? "it has no model options" : $"its options: {string.Join(", ", Options.Select(o => o.Key))}"));
        return Builder(args);
    }

    /// <summary>Every declared option as the build will use it: the given value, else its default (null: the model's own).</summary>
    public IReadOnlyDictionary<string, string> Resolve(ModelArgs args)
    {
        var resolved = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var option in Options)
            if ((args.Option(option.Key) ?? option.Default?.Invoke(args)) is { } value) resolved[option.Key] = value;
        return resolved;
    }
}
