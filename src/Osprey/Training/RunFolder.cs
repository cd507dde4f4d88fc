namespace Osprey.Training;

/// <summary>
/// The folder of one run, &lt;project&gt;/&lt;task&gt;/&lt;name&gt;, named like ultralytics: train, train2, train3, ...
/// A taken name is never overwritten unless asked (exist_ok): name2, name3, ... instead.
/// </summary>
public static class RunFolder
{
    /// <summary>Creates and returns the run folder: <paramref name="name"/> (default "train"), or the first free
    /// name2, name3, ... when that exists and <paramref name="existOk"/> is false.</summary>
    public static string Create(string project, string task, string? name, bool existOk = false)
    {
        var parent = Path.Combine(project, task);
        Directory.CreateDirectory(parent);
        var stem = name ?? "train";
        if (existOk) return Directory.CreateDirectory(Path.Combine(parent, stem)).FullName;
        for (int n = 1; ; n++)
        {
            var candidate = Path.Combine(parent, n == 1 ? stem : $"{stem}{n}");
            if (Directory.Exists(candidate) || File.Exists(candidate)) continue;
            return Directory.CreateDirectory(candidate).FullName;
        }
    }
}
