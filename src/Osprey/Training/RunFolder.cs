namespace Osprey.Training;

/// <summary>The folder of one run, &lt;project&gt;/&lt;task&gt;/&lt;name&gt;, named like ultralytics: train, train2, train3, ...</summary>
public static class RunFolder
{
    /// <summary>Creates and returns the run folder. With a name, that folder (reused if it exists); without, the first
    /// of train, train2, ... that does not exist yet.</summary>
    public static string Create(string project, string task, string? name)
    {
        var parent = Path.Combine(project, task);
        Directory.CreateDirectory(parent);
        if (name != null) return Directory.CreateDirectory(Path.Combine(parent, name)).FullName;
        for (int n = 1; ; n++)
        {
            var candidate = Path.Combine(parent, n == 1 ? "train" : $"train{n}");
            if (Directory.Exists(candidate) || File.Exists(candidate)) continue;
            return Directory.CreateDirectory(candidate).FullName;
        }
    }
}
