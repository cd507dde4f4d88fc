using System.Text.Json.Nodes;
using Osprey.Torch.Optim;
using Osprey.Torch.Serialization;

namespace Osprey.Torch.Tests.Serialization;

public sealed class TrainingCheckpointTests : IDisposable
{
    readonly string directory = Directory.CreateTempSubdirectory("osprey-ckpt-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    string PathOf(string name) => Path.Combine(directory, name);

    /// <summary>A stream that fails after <paramref name="limit"/> bytes, as a crash or a full disk would.</summary>
    sealed class FailingStream(Stream inner, long limit) : Stream
    {
        long written;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => written;
        public override long Position { get => written; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            var room = (int)Math.Min(buffer.Length, limit - written);
            inner.Write(buffer[..room]);
            written += room;
            if (room < buffer.Length) throw new IOException($"simulated failure after {written} bytes");
        }
    }

    static (Dictionary<string, Tensor> Model, Adam Optimizer, LrScheduler Scheduler) SmallRun()
    {
        var model = new Dictionary<string, Tensor>
        {
            ["layer.weight"] = Tensor.Randn([3, 2]).RequiresGrad_(),
            ["layer.bias"] = Tensor.From(new float[] { 0.5f, -1, 2 }).RequiresGrad_(),
        };
        var optimizer = new AdamW(model.Values, new AdamOptions { Lr = 0.1 });
        var scheduler = new LrScheduler(optimizer, new StepSchedule(2, 0.5));
        for (int k = 0; k < 3; k++)
        {
            optimizer.ZeroGrad();
            using (var scope = TensorScope.Begin())
                (model["layer.weight"].Sum() * 2 + model["layer.bias"].Square().Sum()).Backward();
            optimizer.Step();
            scheduler.Step();
        }
        return (model, optimizer, scheduler);
    }

    [Fact]
    public void RoundTripsEveryPart()
    {
        using var scope = TensorScope.Begin();
        LibTorch.ManualSeed(3);
        var (model, optimizer, scheduler) = SmallRun();
        using var _ = optimizer;
        var path = PathOf("a.ckpt");
        using (var captured = TrainingCheckpoint.Capture(model, optimizer, scheduler, epoch: 4, iteration: 321,
                                                          options: new JsonObject { ["lr"] = 0.1, ["model"] = "tiny" }))
            captured.Save(path);
        var draw = Tensor.Randn([5]).ToArray<float>();

        using var loaded = TrainingCheckpoint.Load(path);
        Assert.Equal(path, loaded.Source);
        Assert.Equal(4, loaded.Epoch);
        Assert.Equal(321, loaded.Iteration);
        Assert.Equal("tiny", loaded.Options!["model"]!.GetValue<string>());
        Assert.Equal(["layer.bias", "layer.weight"], loaded.Model.Keys.Order());
        foreach (var (key, tensor) in model)
            Assert.Equal(tensor.ToArray<float>(), loaded.Model[key].ToArray<float>());
        Assert.Equal("AdamW", loaded.Optimizer!.Type);
        using (var live = optimizer.StateDict())
        {
            Assert.Equal(live.Tensors.Keys.Order(), loaded.Optimizer.Tensors.Keys.Order());
            foreach (var (key, tensor) in live.Tensors)
                Assert.Equal(tensor.ToBytes(), loaded.Optimizer.Tensors[key].ToBytes());
            Assert.True(JsonNode.DeepEquals(live.Groups, loaded.Optimizer.Groups));
        }
        Assert.Equal(3, loaded.Schedule!["iteration"]!.GetValue<long>());

        LibTorch.ManualSeed(999);
        LibTorch.SetRngState(loaded.RngState!);
        Assert.Equal(draw, Tensor.Randn([5]).ToArray<float>());
    }

    [Fact]
    public void FailedWriteLeavesThePreviousCheckpointIntact()
    {
        using var scope = TensorScope.Begin();
        var (model, optimizer, scheduler) = SmallRun();
        using var _ = optimizer;
        var path = PathOf("last.ckpt");
        using (var first = TrainingCheckpoint.Capture(model, optimizer, scheduler, epoch: 1, iteration: 3)) first.Save(path);
        var original = File.ReadAllBytes(path);

        using var second = TrainingCheckpoint.Capture(model, optimizer, scheduler, epoch: 2, iteration: 6);
        var error = Assert.Throws<IOException>(() => AtomicFile.Write(path, stream => second.WriteTo(new FailingStream(stream, original.Length / 2))));
        Assert.Contains("simulated failure", error.Message);

        Assert.Equal(original, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(directory)); // the partial temp file is gone
        using (var survivor = TrainingCheckpoint.Load(path)) Assert.Equal(1, survivor.Epoch);

        second.Save(path);
        using (var replaced = TrainingCheckpoint.Load(path)) Assert.Equal(2, replaced.Epoch);
    }

    [Fact]
    public void ModelLoadReportsMissingUnexpectedAndMisShapedKeys()
    {
        using var scope = TensorScope.Begin();
        var path = PathOf("m.ckpt");
        var saved = new Dictionary<string, Tensor>
        {
            ["backbone.w"] = Tensor.Full([2, 2], 3), ["head.w"] = Tensor.Ones([10, 2]), ["old.b"] = Tensor.Ones([1]),
        };
        using (var ck = TrainingCheckpoint.Capture(saved, includeRng: false)) ck.Save(path);
        var target = new Dictionary<string, Tensor>
        {
            ["backbone.w"] = Tensor.Zeros([2, 2]), ["head.w"] = Tensor.Zeros([5, 2]), ["new.b"] = Tensor.Zeros([1]),
        };
        using var loaded = TrainingCheckpoint.Load(path);
        var strict = Assert.Throws<TorchException>(() => loaded.LoadModelInto(target));
        Assert.Contains(path, strict.Message);
        Assert.Contains("missing: new.b", strict.Message);
        Assert.Contains("unexpected: old.b", strict.Message);
        Assert.Contains("shape: head.w: expected [5, 2], got [10, 2]", strict.Message);
        Assert.Equal(0f, target["backbone.w"].Sum().Item<float>());

        var report = loaded.LoadModelInto(target, strict: false);
        Assert.Equal(["new.b"], report.Missing);
        Assert.Equal(["old.b"], report.Unexpected);
        Assert.Equal("head.w", Assert.Single(report.Mismatched).Key);
        Assert.Equal(12f, target["backbone.w"].Sum().Item<float>());
        Assert.Equal(0f, target["head.w"].Sum().Item<float>());
        Assert.Null(loaded.Optimizer);
        Assert.Throws<InvalidOperationException>(() => loaded.Restore(null, restoreRng: true));
    }

    [Fact]
    public void OtherFilesAreRejectedWithTheReason()
    {
        using var scope = TensorScope.Begin();
        var plain = PathOf("plain.safetensors");
        SafeTensors.Save(plain, new Dictionary<string, Tensor> { ["w"] = Tensor.Ones([2]) });
        var notCheckpoint = Assert.Throws<TorchException>(() => TrainingCheckpoint.Load(plain));
        Assert.Contains($"{plain}: not an Osprey training checkpoint (metadata 'format' is missing", notCheckpoint.Message);

        var stray = PathOf("stray.ckpt");
        SafeTensors.Save(stray, new Dictionary<string, Tensor> { ["model.w"] = Tensor.Ones([2]), ["ema.w"] = Tensor.Ones([2]) },
                         new Dictionary<string, string> { ["format"] = TrainingCheckpointFormat.FormatName, ["version"] = "1", ["epoch"] = "0", ["iteration"] = "0" });
        Assert.Contains("tensor 'ema.w' belongs to no part", Assert.Throws<TorchException>(() => TrainingCheckpoint.Load(stray)).Message);

        var future = PathOf("future.ckpt");
        SafeTensors.Save(future, new Dictionary<string, Tensor>(),
                         new Dictionary<string, string> { ["format"] = TrainingCheckpointFormat.FormatName, ["version"] = "9", ["epoch"] = "0", ["iteration"] = "0" });
        Assert.Contains("version 9", Assert.Throws<TorchException>(() => TrainingCheckpoint.Load(future)).Message);
    }

    [Fact]
    public void LoadingAndDisposingLeaksNothing()
    {
        var path = PathOf("leak.ckpt");
        using (var scope = TensorScope.Begin())
        {
            var (model, optimizer, scheduler) = SmallRun();
            using var ck = TrainingCheckpoint.Capture(model, optimizer, scheduler);
            ck.Save(path);
            optimizer.Dispose();
        }
        long baseline = Tensor.LiveCount;
        TrainingCheckpoint.Load(path).Dispose();
        Assert.Equal(baseline, Tensor.LiveCount);
    }
}
