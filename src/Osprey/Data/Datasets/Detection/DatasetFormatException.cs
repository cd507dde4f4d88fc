namespace Osprey.Data.Datasets.Detection;

/// <summary>
/// A detection dataset with bad annotations. Every problem found while opening is collected (each naming its file and
/// line, or annotation id, and what was expected), so one run reports them all; the message lists the first ones.
/// (A FormatException: InvalidDataException is sealed.)
/// </summary>
public sealed class DatasetFormatException : FormatException
{
    const int Shown = 20;

    public IReadOnlyList<string> Errors { get; }

    public DatasetFormatException(string what, IReadOnlyList<string> errors) : base(Format(what, errors)) => Errors = errors;

    static string Format(string what, IReadOnlyList<string> errors)
    {
        var head = $"{what}: {errors.Count} error{(errors.Count == 1 ? "" : "s")}";
        var lines = errors.Take(Shown).Select(e => "\n  " + e);
        var more = errors.Count > Shown ? $"\n  ... and {errors.Count - Shown} more" : "";
        return head + string.Concat(lines) + more;
    }

    /// <summary>Throws when <paramref name="errors"/> is not empty.</summary>
    public static void ThrowIfAny(string what, IReadOnlyList<string> errors)
    {
        if (errors.Count > 0) throw new DatasetFormatException(what, errors);
    }
}
