using System.Globalization;
using Osprey.Data;
using Osprey.Torch;
using Osprey.Torch.Distributed;
using Osprey.Torch.NN;
using Osprey.Torch.Optim;
using Osprey.Training.Distributed;

namespace Osprey.Distributed.Worker;

/// <summary>
/// Data-parallel SGD on a small MLP (no BatchNorm): <c>train STEPS GLOBAL_BATCH BUCKET_BYTES</c>. Each rank builds the
/// model from its own seed (so only the broadcast from rank 0 makes them agree), takes its shard of every global
/// batch, averages the gradients and steps. Reports the final parameters.
/// </summary>
public static class TrainScenario
{
    const int Samples = 40, Features = 6, Classes = 3, Seed = 17;

    sealed class Mlp : Module<Tensor, Tensor>
    {
        readonly Linear fc1, fc2;

        public Mlp()
        {
            fc1 = RegisterModule("fc1", new Linear(Features, 16));
            fc2 = RegisterModule("fc2", new Linear(16, Classes));
            RegisterModule("spare", new Linear(4, 4));   // never used: no rank has its gradient, so no rank steps it
        }

        public override Tensor Forward(Tensor input) => fc2.Call(Functional.Relu(fc1.Call(input)));
    }

    public static Dictionary<string, object> Run(ProcessGroup group, string[] args)
    {
        int steps = int.Parse(args[0], CultureInfo.InvariantCulture), globalBatch = int.Parse(args[1], CultureInfo.InvariantCulture);
        long bucketBytes = long.Parse(args[2], CultureInfo.InvariantCulture);
        var batch = DistributedSampler.PerRankBatch(globalBatch, group.WorldSize);
        var sampler = new DistributedSampler(group.Rank, group.WorldSize);

        var (inputs, labels) = Data();
        LibTorch.ManualSeed((ulong)(Seed + group.Rank));
        using var model = new Mlp();
        var parallel = new DataParallel(group, model, bucketBytes);
        parallel.BroadcastState();
        using var optimizer = new Sgd(model.Parameters(), new SgdOptions { Lr = 0.1, Momentum = 0.9, WeightDecay = 1e-3 });

        var perEpoch = sampler.Batches(DistributedSampler.EpochOrder(Samples, Seed, 0, true), batch).Length;
        for (int step = 0; step < steps; step++)
        {
            using var scope = TensorScope.Begin();
            var epoch = step / perEpoch;
            var indices = sampler.Batches(DistributedSampler.EpochOrder(Samples, Seed, epoch, true), batch)[step % perEpoch];
            var index = Tensor.From(indices.Select(i => (long)i).ToArray());
            var loss = Functional.CrossEntropy(model.Call(inputs.IndexSelect(0, index)), labels.IndexSelect(0, index));
            optimizer.ZeroGrad();
            loss.Backward();
            parallel.AverageGradients();
            optimizer.Step();
        }
        inputs.Dispose();
        labels.Dispose();

        var result = new Dictionary<string, object> { ["collectives_per_step"] = parallel.LastCollectives };
        using (TensorScope.Begin()) result["spare_has_grad"] = model.GetParameter("spare.weight")!.Grad != null;
        foreach (var (name, p) in model.NamedParameters()) result[name] = p.ToArray<float>();
        return result;
    }

    /// <summary>The same 40 labelled points on every rank: features from a fixed generator, labels from a fixed rule.</summary>
    static (Tensor Inputs, Tensor Labels) Data()
    {
        var random = new Random(Seed);
        var x = Enumerable.Range(0, Samples * Features).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var y = Enumerable.Range(0, Samples).Select(i => (long)(Math.Abs(x[i * Features] * 3 + x[i * Features + 1] * 2 - x[i * Features + 2]) * 1.2) % Classes).ToArray();
        return (Tensor.From(x, Samples, Features), Tensor.From(y));
    }
}
