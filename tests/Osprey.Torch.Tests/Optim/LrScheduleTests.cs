using Osprey.Torch.Optim;
using Xunit.Abstractions;

namespace Osprey.Torch.Tests.Optim;

/// <summary>Each schedule reproduces torch.optim.lr_scheduler's sequence for two groups (base 0.1 and 0.02) over 30 steps.</summary>
public class LrScheduleTests(ITestOutputHelper output)
{
    const double RelativeTolerance = 1e-9;
    static readonly double[] BaseLrs = [0.1, 0.02];

    public static TheoryData<string> Names => ["poly", "poly_short", "cosine", "cosine_past_end", "step", "multistep",
                                               "warmup_cosine", "warmup_poly", "warmup_step", "warmup_multistep"];

    static LrSchedule Build(string name) => name switch
    {
        "poly" => new PolySchedule(30, power: 0.9),
        "poly_short" => new PolySchedule(20, power: 2.0),
        "cosine" => new CosineSchedule(30, etaMin: 1e-4),
        "cosine_past_end" => new CosineSchedule(20),
        "step" => new StepSchedule(7, gamma: 0.5),
        "multistep" => new MultiStepSchedule([5, 12, 12, 20], gamma: 0.3),
        "warmup_cosine" => new CosineSchedule(25, etaMin: 0).WithWarmup(5, startFactor: 0.1),
        "warmup_poly" => new PolySchedule(22, power: 0.9).WithWarmup(8, startFactor: 0.01),
        "warmup_step" => new StepSchedule(5, gamma: 0.1).WithWarmup(4, startFactor: 0.25),
        "warmup_multistep" => new MultiStepSchedule([10, 20], gamma: 0.1).WithWarmup(3, startFactor: 0.5),
        _ => throw new ArgumentException(name),
    };

    static Sgd TwoGroupOptimizer(out Tensor p, out Tensor q)
    {
        p = Tensor.Zeros([1]).RequiresGrad_();
        q = Tensor.Zeros([1]).RequiresGrad_();
        var defaults = new SgdOptions { Lr = BaseLrs[0] };
        return new Sgd([new ParamGroup([p]), new ParamGroup([q], defaults with { Lr = BaseLrs[1] })], defaults);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void ScheduleReproducesPyTorchSequence(string name)
    {
        using var scope = TensorScope.Begin();
        var expected = Fixture.Load("optim/schedules")[name].ToArray<double>();
        using var optimizer = TwoGroupOptimizer(out _, out _);
        var scheduler = new LrScheduler(optimizer, Build(name));
        double worst = 0;
        for (int t = 0; t <= 30; t++)
        {
            if (t > 0) scheduler.Step();
            for (int g = 0; g < 2; g++)
            {
                double want = expected[t * 2 + g], got = optimizer.ParamGroups[g].Lr;
                double error = Math.Abs(got - want);
                Assert.True(error <= RelativeTolerance * Math.Abs(want) + 1e-15, $"{name} t={t} group {g}: lr {got:R}, PyTorch {want:R}");
                if (want != 0) worst = Math.Max(worst, error / Math.Abs(want));
            }
        }
        Assert.Equal(30, scheduler.Iteration);
        output.WriteLine($"{name}: max relative lr error {worst:G3}");
    }

    [Fact]
    public void ConstantScheduleKeepsEachGroupsBaseRate()
    {
        using var scope = TensorScope.Begin();
        using var optimizer = TwoGroupOptimizer(out _, out _);
        var scheduler = new LrScheduler(optimizer, new ConstantSchedule());
        for (int t = 0; t < 5; t++) scheduler.Step();
        Assert.Equal(BaseLrs, scheduler.LastLrs);
    }

    [Fact]
    public void PolyIsPspNetsFormulaAndReachesZero()
    {
        var poly = new PolySchedule(100, power: 0.9);
        Assert.Equal(0.01 * Math.Pow(1 - 37 / 100.0, 0.9), poly.LearningRate(0.01, 37), 1e-18);
        Assert.Equal(0.0, poly.LearningRate(0.01, 100));
        Assert.Equal(0.0, poly.LearningRate(0.01, 150));
    }

    [Fact]
    public void SchedulerStateRestoresIterationAndRejectsAnotherSchedule()
    {
        using var scope = TensorScope.Begin();
        using var optimizer = TwoGroupOptimizer(out _, out _);
        var schedule = new CosineSchedule(25).WithWarmup(5, 0.1);
        var first = new LrScheduler(optimizer, schedule);
        for (int t = 0; t < 7; t++) first.Step();
        var state = first.StateDict();

        using var other = TwoGroupOptimizer(out _, out _);
        var resumed = new LrScheduler(other, new CosineSchedule(25).WithWarmup(5, 0.1));
        resumed.LoadStateDict(state);
        Assert.Equal(7, resumed.Iteration);
        Assert.Equal(first.LastLrs, resumed.LastLrs);

        var changed = new LrScheduler(other, new CosineSchedule(30).WithWarmup(5, 0.1));
        var error = Assert.Throws<ArgumentException>(() => changed.LoadStateDict(state));
        Assert.Contains("\"t_max\":25", error.Message);
    }

    [Fact]
    public void InvalidScheduleParametersAreRejectedByName()
    {
        Assert.Contains("total iterations 0", Assert.Throws<ArgumentException>(() => new PolySchedule(0)).Message);
        Assert.Contains("T_max -1", Assert.Throws<ArgumentException>(() => new CosineSchedule(-1)).Message);
        Assert.Contains("start factor 1.5", Assert.Throws<ArgumentException>(() => new ConstantSchedule().WithWarmup(3, 1.5)).Message);
    }
}
