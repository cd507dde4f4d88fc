using Osprey.Models;
using Osprey.Training.Classification;
using Osprey.Training.Detection;
using Osprey.Training.Segmentation;

namespace Osprey.Training;

/// <summary>
/// The tasks <c>osprey train --task</c>, <c>val</c> and <c>predict</c> know, by name. Adding a task is one folder under
/// Training/ with an <see cref="ITrainingTask"/>, and one line here. A task that trains model families differently
/// (detection: YOLO's recipe or DETR's) picks by the model's family.
/// </summary>
public static class TaskRegistry
{
    static readonly Dictionary<string, Func<ModelEntry?, ITrainingTask>> Tasks = new(StringComparer.Ordinal)
    {
        ["classify"] = _ => new ClassificationTask(),
        ["segment"] = model => new SegmentationTask(model),
        ["detect"] = model => model?.Family == "detr" ? new DetrTask() : new YoloTask(),
    };

    public static IReadOnlyCollection<string> Names => Tasks.Keys;

    public static bool Contains(string name) => Tasks.ContainsKey(name);

    /// <summary>The task <paramref name="name"/> for <paramref name="model"/> (a registered name; null: the task's default family).</summary>
    public static ITrainingTask Get(string name, string? model = null) => Tasks.TryGetValue(name, out var create)
        ? create(model is null ? null : ModelRegistry.Get(model))
        : throw new OptionsException("task", $"task '{name}' is not available (known: {string.Join(", ", Tasks.Keys)})");
}
