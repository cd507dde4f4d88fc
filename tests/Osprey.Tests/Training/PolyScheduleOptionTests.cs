using Osprey.Torch.Optim;
using Osprey.Training;

namespace Osprey.Tests.Training;

/// <summary>
/// <c>schedule=poly</c> with <c>power</c> (and eta_min = lr0 * lrf), as the options build it for every task, against
/// PyTorch's PolynomialLR and mmsegmentation's PolyLR (tools/reference/poly_schedule_reference.py): two groups (base
/// 0.01 and 0.001), the rate before the first step and after each of 120 steps.
/// </summary>
public class PolyScheduleOptionTests
{
    const double Tolerance = 1e-12;

    [Theory]
    // case, total iterations, warmup iterations, the options set
    [InlineData("torch_0.9", 100, 0, "schedule=poly", "power=0.9", "lrf=0")]
    [InlineData("torch_2.0", 120, 0, "schedule=poly", "power=2", "lrf=0")]
    [InlineData("mmseg_0.9", 100, 0, "schedule=poly", "lrf=0.01")]   // power 0.9 is the default; eta_min 1e-4
    [InlineData("mmseg_1.5", 120, 0, "schedule=poly", "power=1.5", "lrf=0.005")]
    [InlineData("warmup_mmseg", 120, 10, "schedule=poly", "power=0.9", "lrf=0.01", "warmup_start_factor=0.1")]
    public void PolyOptionReproducesTheReference(string name, int total, int warmup, params string[] overrides)
    {
        using var scope = TensorScope.Begin();
        var options = OptionsReader.Read(overrides: [.. overrides, "lr0=0.01"]);
        Assert.Equal(ScheduleKind.Poly, options.Schedule);
        var expected = Fixture.Load("optim/poly_option")[name].ToArray<double>();
        var defaults = new SgdOptions { Lr = 0.01, Momentum = 0.9 };
        using var optimizer = new Sgd([new ParamGroup([Tensor.Zeros([1]).RequiresGrad_()]),
                                       new ParamGroup([Tensor.Zeros([1]).RequiresGrad_()], defaults with { Lr = 0.001 })], defaults);
        var scheduler = new LrScheduler(optimizer, ParameterGroups.CreateSchedule(options, total, warmup));
        for (int t = 0; t <= 120; t++)
        {
            if (t > 0) scheduler.Step();
            for (int g = 0; g < 2; g++)
            {
                double want = expected[t * 2 + g], got = optimizer.ParamGroups[g].Lr;
                Assert.True(Math.Abs(got - want) <= Tolerance, $"{name} t={t} group {g}: lr {got:R}, reference {want:R}");
            }
        }
    }

    [Fact]
    public void PowerIsValidatedAndWrittenBack()
    {
        var bad = Assert.Throws<OptionsException>(() => OptionsReader.Read(overrides: ["power=0"]));
        Assert.Equal("power", bad.Key);
        Assert.Contains("option 'power' = 0: expected a finite value > 0", bad.Message);
        var wrongKind = Assert.Throws<OptionsException>(() => OptionsReader.Read(overrides: ["schedule=polynomial"]));
        Assert.Contains("one of cosine, linear, constant, poly", wrongKind.Message);
        var yaml = OptionsReader.ToYaml(new TrainOptions { Schedule = ScheduleKind.Poly, Power = 1.5 });
        Assert.Contains("schedule: poly\n", yaml);
        Assert.Contains("power: 1.5\n", yaml);
    }

    [Fact]
    public void EtaMinIsPartOfTheSavedScheduleOnlyWhenSet()
    {
        Assert.False(new PolySchedule(10, 0.9).Describe().ContainsKey("eta_min"));   // checkpoints from before eta_min resume
        Assert.Equal(1e-4, (double)new PolySchedule(10, 0.9, 1e-4).Describe()["eta_min"]!);
    }
}
