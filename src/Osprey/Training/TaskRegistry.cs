using Osprey.Training.Classification;

namespace Osprey.Training;

/// <summary>
/// The tasks <c>osprey train --task</c>, <c>val</c> and <c>predict</c> know, by name. Adding a task is one folder under
/// Training/ with an <see cref="ITrainingTask"/>, and one line here.
/// </summary>
public static class TaskRegistry
{
    static readonly Dictionary<string, Func<ITrainingTask>> Tasks = new(StringComparer.Ordinal)
    {
        ["classify"] = () => new ClassificationTask(),
    };

    public static IReadOnlyCollection<string> Names => Tasks.Keys;

    public static bool Contains(string name) => Tasks.ContainsKey(name);

    public static ITrainingTask Get(string name) => Tasks.TryGetValue(name, out var create)
        ? create()
        : throw new OptionsException("task", $"task '{name}' is not available (known: {string.Join(", ", Tasks.Keys)})");
}
