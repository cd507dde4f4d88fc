using System.Text.Json.Nodes;

namespace Osprey.Torch.Optim;

/// <summary>
/// Drives an optimizer's learning rates by a schedule: each group gets schedule(group's base lr, t).
/// Construction sets the rates for t = 0; call <see cref="Step"/> after each optimizer step (or epoch).
/// The state is the iteration count (and the schedule's description, checked on load).
/// </summary>
public sealed class LrScheduler
{
    public LrScheduler(Optimizer optimizer, LrSchedule schedule)
    {
        (Optimizer, Schedule) = (optimizer, schedule);
        Apply();
    }

    public Optimizer Optimizer { get; }
    public LrSchedule Schedule { get; }

    /// <summary>Steps taken (PyTorch's last_epoch).</summary>
    public long Iteration { get; private set; }

    /// <summary>The rates of the groups, as last set.</summary>
    public IReadOnlyList<double> LastLrs => Optimizer.ParamGroups.Select(g => g.Lr).ToArray();

    public void Step()
    {
        Iteration++;
        Apply();
    }

    void Apply()
    {
        foreach (var group in Optimizer.ParamGroups) group.Lr = Schedule.LearningRate(group.BaseLr, Iteration);
    }

    public JsonObject StateDict() => new() { ["iteration"] = Iteration, ["schedule"] = Schedule.Describe() };

    /// <summary>Restores the iteration and sets the rates; throws if the state was saved with a different schedule.</summary>
    public void LoadStateDict(JsonObject state)
    {
        var iteration = state["iteration"]?.GetValue<long>() ?? throw new FormatException("scheduler state has no 'iteration'");
        if (iteration < 0) throw new FormatException($"scheduler state: iteration {iteration} is negative");
        var saved = state["schedule"];
        var current = Schedule.Describe();
        if (!JsonNode.DeepEquals(saved, current))
            throw new ArgumentException($"scheduler state was saved for schedule {saved?.ToJsonString() ?? "(none)"}; this scheduler runs {current.ToJsonString()}");
        Iteration = iteration;
        Apply();
    }
}
