using System.Text.Json.Nodes;
using Osprey.Torch.Optim;
using Osprey.Torch.Serialization;

namespace Osprey.Torch.Tests.Optim;

/// <summary>
/// Exact resume: 10 steps, a training checkpoint saved to a file, everything disposed, a fresh model,
/// optimizer and scheduler restored from the file, 10 more steps: the same bits as 20 uninterrupted steps.
/// The steps draw input noise from the global RNG, so the RNG state must be restored as well.
/// </summary>
public sealed class ResumeTests : IDisposable
{
    const int Steps = 20, Interrupt = 10;
    readonly string directory = Directory.CreateTempSubdirectory("osprey-resume-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    sealed record Run(Optimizer Optimizer, LrScheduler Scheduler);

    static Run AdamWGroupsWithWarmupCosine(MlpProblem problem)
    {
        var defaults = new AdamOptions { Lr = 0.02, WeightDecay = 0.05, Amsgrad = true };
        var optimizer = new AdamW([new ParamGroup(problem.Weights), new ParamGroup(problem.Biases, defaults with { WeightDecay = 0, Lr = 0.05 })], defaults);
        return new Run(optimizer, new LrScheduler(optimizer, new CosineSchedule(15, 1e-4).WithWarmup(5, 0.1)));
    }

    static Run SgdNesterovWithPoly(MlpProblem problem)
    {
        var optimizer = new Sgd(problem.All, new SgdOptions { Lr = 0.1, Momentum = 0.9, Nesterov = true, WeightDecay = 1e-3 });
        return new Run(optimizer, new LrScheduler(optimizer, new PolySchedule(Steps, 0.9).WithWarmup(3, 0.2)));
    }

    static void TrainStep(MlpProblem problem, Run run)
    {
        run.Optimizer.ZeroGrad();
        problem.Backward(noise: 0.05);
        GradClip.ClipGradNorm(problem.All, 1.0);
        run.Optimizer.Step();
        run.Scheduler.Step();
    }

    static Dictionary<string, float[]> Snapshot(MlpProblem problem) =>
        problem.Params.ToDictionary(p => p.Key, p => p.Value.ToArray<float>());

    void ResumesBitIdentically(Func<MlpProblem, Run> build)
    {
        var straight = new List<Dictionary<string, float[]>>();
        LibTorch.ManualSeed(7);
        using (var problem = new MlpProblem())
        {
            var run = build(problem);
            for (int k = 0; k < Steps; k++)
            {
                TrainStep(problem, run);
                straight.Add(Snapshot(problem));
            }
            run.Optimizer.Dispose();
        }

        var path = Path.Combine(directory, "last.ckpt");
        LibTorch.ManualSeed(7);
        using (var problem = new MlpProblem())
        {
            var run = build(problem);
            for (int k = 0; k < Interrupt; k++) TrainStep(problem, run);
            using (var checkpoint = TrainingCheckpoint.Capture(problem.Params, run.Optimizer, run.Scheduler, epoch: 1, iteration: Interrupt,
                                                                options: new JsonObject { ["model"] = "mlp" }))
                checkpoint.Save(path);
            run.Optimizer.Dispose();
        }

        LibTorch.ManualSeed(12345); // the resumed run must not depend on the generator's state before loading
        using (var problem = new MlpProblem())
        {
            var run = build(problem);
            using (var checkpoint = TrainingCheckpoint.Load(path))
            {
                Assert.True(checkpoint.LoadModelInto(problem.Params).IsClean);
                checkpoint.Restore(run.Optimizer, run.Scheduler);
                Assert.Equal(Interrupt, checkpoint.Iteration);
            }
            Assert.Equal(Interrupt, run.Scheduler.Iteration);
            for (int k = Interrupt; k < Steps; k++)
            {
                TrainStep(problem, run);
                var now = Snapshot(problem);
                foreach (var name in MlpProblem.Names)
                    Assert.True(straight[k][name].SequenceEqual(now[name]), $"{name} differs from the uninterrupted run after step {k + 1}");
            }
            run.Optimizer.Dispose();
        }
    }

    [Fact]
    public void AdamWWithGroupsAmsgradAndWarmupCosineResumesBitIdentically() => ResumesBitIdentically(AdamWGroupsWithWarmupCosine);

    [Fact]
    public void SgdNesterovWithWarmupPolyResumesBitIdentically() => ResumesBitIdentically(SgdNesterovWithPoly);

    [Fact]
    public void ResumingWithoutTheRngStateDiverges()
    {
        // Guards the test above: the noise really depends on the generator, so skipping its restore shows.
        var path = Path.Combine(directory, "rng.ckpt");
        LibTorch.ManualSeed(7);
        float[] expected;
        using (var problem = new MlpProblem())
        {
            var run = SgdNesterovWithPoly(problem);
            TrainStep(problem, run);
            using (var checkpoint = TrainingCheckpoint.Capture(problem.Params, run.Optimizer, run.Scheduler)) checkpoint.Save(path);
            TrainStep(problem, run);
            expected = problem.Params["w1"].ToArray<float>();
            run.Optimizer.Dispose();
        }
        LibTorch.ManualSeed(12345);
        using (var problem = new MlpProblem())
        {
            var run = SgdNesterovWithPoly(problem);
            using (var checkpoint = TrainingCheckpoint.Load(path))
            {
                checkpoint.LoadModelInto(problem.Params);
                checkpoint.Restore(run.Optimizer, run.Scheduler, restoreRng: false);
            }
            TrainStep(problem, run);
            Assert.False(expected.SequenceEqual(problem.Params["w1"].ToArray<float>()));
            run.Optimizer.Dispose();
        }
    }
}
