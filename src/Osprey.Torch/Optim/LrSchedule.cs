using System.Text.Json.Nodes;

namespace Osprey.Torch.Optim;

/// <summary>
/// A learning-rate schedule as a closed form: the rate at iteration t (0 = before the first step) given a
/// group's base rate. Schedules hold only their parameters, so they compose (<see cref="WarmupSchedule"/>)
/// and the iteration count is all an <see cref="LrScheduler"/> must save to resume.
/// </summary>
public abstract class LrSchedule
{
    public abstract double LearningRate(double baseLr, long iteration);

    /// <summary>The schedule's kind and parameters, saved with the scheduler state to detect a changed schedule on resume.</summary>
    public abstract JsonObject Describe();

    /// <summary>A warmup from <paramref name="startFactor"/> * base over <paramref name="iterations"/> iterations, then this schedule.</summary>
    public LrSchedule WithWarmup(long iterations, double startFactor) => new WarmupSchedule(this, iterations, startFactor);

    protected static void Require(bool ok, string what)
    {
        if (!ok) throw new ArgumentException(what);
    }
}

/// <summary>The base rate throughout.</summary>
public sealed class ConstantSchedule : LrSchedule
{
    public override double LearningRate(double baseLr, long iteration) => baseLr;
    public override JsonObject Describe() => new() { ["kind"] = "constant" };
}

/// <summary>
/// Polynomial decay, PSPNet's "poly": (base - etaMin) * (1 - min(t, total) / total)^power + etaMin. With etaMin 0 it is
/// PyTorch's PolynomialLR; with etaMin it is mmsegmentation's PolyLR (eta_min, the same for every group).
/// </summary>
public sealed class PolySchedule : LrSchedule
{
    public PolySchedule(long totalIterations, double power = 0.9, double etaMin = 0)
    {
        Require(totalIterations > 0, $"PolySchedule: total iterations {totalIterations}: expected > 0");
        Require(double.IsFinite(power) && power > 0, $"PolySchedule: power {power}: expected a finite value > 0");
        Require(double.IsFinite(etaMin) && etaMin >= 0, $"PolySchedule: eta_min {etaMin}: expected a finite value >= 0");
        (TotalIterations, Power, EtaMin) = (totalIterations, power, etaMin);
    }

    public long TotalIterations { get; }
    public double Power { get; }
    public double EtaMin { get; }

    public override double LearningRate(double baseLr, long iteration) =>
        (baseLr - EtaMin) * Math.Pow(1.0 - (double)Math.Min(TotalIterations, iteration) / TotalIterations, Power) + EtaMin;

    // eta_min only when set, so the description of a schedule saved before it existed still matches on resume.
    public override JsonObject Describe()
    {
        var json = new JsonObject { ["kind"] = "poly", ["total_iterations"] = TotalIterations, ["power"] = Power };
        if (EtaMin != 0) json["eta_min"] = EtaMin;
        return json;
    }
}

/// <summary>Cosine annealing from base to <see cref="EtaMin"/> over <see cref="TMax"/> iterations (PyTorch's CosineAnnealingLR; past TMax the cosine continues).</summary>
public sealed class CosineSchedule : LrSchedule
{
    public CosineSchedule(long tMax, double etaMin = 0)
    {
        Require(tMax > 0, $"CosineSchedule: T_max {tMax}: expected > 0");
        Require(double.IsFinite(etaMin) && etaMin >= 0, $"CosineSchedule: eta_min {etaMin}: expected a finite value >= 0");
        (TMax, EtaMin) = (tMax, etaMin);
    }

    public long TMax { get; }
    public double EtaMin { get; }

    public override double LearningRate(double baseLr, long iteration) =>
        EtaMin + (baseLr - EtaMin) * (1 + Math.Cos(Math.PI * iteration / TMax)) / 2;

    public override JsonObject Describe() => new() { ["kind"] = "cosine", ["t_max"] = TMax, ["eta_min"] = EtaMin };
}

/// <summary>Multiplies by <see cref="Gamma"/> every <see cref="StepSize"/> iterations (PyTorch's StepLR).</summary>
public sealed class StepSchedule : LrSchedule
{
    public StepSchedule(long stepSize, double gamma = 0.1)
    {
        Require(stepSize > 0, $"StepSchedule: step size {stepSize}: expected > 0");
        Require(double.IsFinite(gamma) && gamma >= 0, $"StepSchedule: gamma {gamma}: expected a finite value >= 0");
        (StepSize, Gamma) = (stepSize, gamma);
    }

    public long StepSize { get; }
    public double Gamma { get; }

    public override double LearningRate(double baseLr, long iteration) => baseLr * Math.Pow(Gamma, iteration / StepSize);

    public override JsonObject Describe() => new() { ["kind"] = "step", ["step_size"] = StepSize, ["gamma"] = Gamma };
}

/// <summary>Multiplies by <see cref="Gamma"/> at each milestone; a repeated milestone counts twice (PyTorch's MultiStepLR).</summary>
public sealed class MultiStepSchedule : LrSchedule
{
    readonly long[] milestones;

    public MultiStepSchedule(IEnumerable<long> milestones, double gamma = 0.1)
    {
        this.milestones = milestones.Order().ToArray();
        Require(this.milestones.Length == 0 || this.milestones[0] >= 0, "MultiStepSchedule: milestones must be >= 0");
        Require(double.IsFinite(gamma) && gamma >= 0, $"MultiStepSchedule: gamma {gamma}: expected a finite value >= 0");
        Gamma = gamma;
    }

    public IReadOnlyList<long> Milestones => milestones;
    public double Gamma { get; }

    public override double LearningRate(double baseLr, long iteration) =>
        baseLr * Math.Pow(Gamma, milestones.Count(m => m <= iteration));

    public override JsonObject Describe() =>
        new() { ["kind"] = "multistep", ["milestones"] = new JsonArray(milestones.Select(m => (JsonNode)m).ToArray()), ["gamma"] = Gamma };
}

/// <summary>
/// Linear warmup in front of another schedule: base * (s + (1 - s) * t / N) for t &lt; N, then the inner
/// schedule restarted at 0 (PyTorch's SequentialLR of LinearLR(start_factor=s, total_iters=N) and the inner one, milestone N).
/// </summary>
public sealed class WarmupSchedule : LrSchedule
{
    public WarmupSchedule(LrSchedule inner, long iterations, double startFactor)
    {
        Require(iterations > 0, $"WarmupSchedule: warmup iterations {iterations}: expected > 0");
        Require(startFactor >= 0 && startFactor <= 1, $"WarmupSchedule: start factor {startFactor}: expected a value in [0, 1]");
        (Inner, Iterations, StartFactor) = (inner, iterations, startFactor);
    }

    public LrSchedule Inner { get; }
    public long Iterations { get; }
    public double StartFactor { get; }

    public override double LearningRate(double baseLr, long iteration) => iteration < Iterations
        ? baseLr * (StartFactor + (1.0 - StartFactor) * iteration / Iterations)
        : Inner.LearningRate(baseLr, iteration - Iterations);

    public override JsonObject Describe() =>
        new() { ["kind"] = "warmup", ["iterations"] = Iterations, ["start_factor"] = StartFactor, ["then"] = Inner.Describe() };
}
