using Osprey.Data;
using Osprey.Data.Datasets.Scenes;
using Osprey.Models.Detection.Detr;
using Osprey.Metrics.Detection;
using Osprey.Tests.Data;
using Osprey.Torch.Distributed;
using Osprey.Torch.NN;
using Osprey.Training;
using Osprey.Training.Classification;
using Osprey.Training.Detection;
using Osprey.Training.Segmentation;

namespace Osprey.Tests.Training.Distributed;

/// <summary>
/// Sharded validation: two ranks each evaluate their block of the single process's batches (<see cref="BatchShard"/>)
/// and merge (<see cref="IEvaluation.MergeRanks"/>) over Gloo; every rank then holds exactly the single process's
/// numbers — the same doubles, not merely close — for each task's evaluator, on the same seeded weights.
/// </summary>
public class ShardedValidationTests
{
    static readonly object SeededBuild = new();

    sealed record Outcome(double[] Values, double Fitness, object Evaluator, int Batches);

    /// <summary>One validation pass of freshly seeded weights over the options' validation split, whole or this rank's shard.</summary>
    static Outcome Evaluate(TrainOptions options, int valBatch, ProcessGroup? group)
    {
        var task = TaskRegistry.Get(options.Task, options.Model);
        var data = task.LoadData(options);
        var info = RunInfo.For(options with { Imgsz = data.ImageSize, Lr0 = options.Lr0 ?? task.DefaultLr(options) }, data);
        Module model;
        lock (SeededBuild)
        {
            LibTorch.ManualSeed(11);
            model = info.BuildModel();
        }
        using (model)
        {
            var evaluation = task.Bind(model, data, info.Options).StartEvaluation();
            Assert.True(evaluation.CanMerge, $"{evaluation.Evaluator.GetType().Name} cannot merge");
            model.Eval();
            var loader = new LoaderOptions { BatchSize = valBatch, Shuffle = false, Workers = 0 };
            if (group != null) loader = loader with { Sampler = new BatchShard(group.Rank, group.WorldSize) };
            int batches = 0;
            using (Autograd.NoGrad())
                foreach (var batch in new DataLoader(data.Val!, data.ValTransform, loader, task.Collate).Epoch(0))
                    using (batch)
                    using (TensorScope.Begin())
                    {
                        evaluation.Add(batch);
                        batches++;
                    }
            if (group != null) evaluation.MergeRanks(group);
            return new Outcome(evaluation.Values().ToArray(), evaluation.Fitness, evaluation.Evaluator, batches);
        }
    }

    /// <summary>The single pass and the two ranks' merged passes; the ranks' batches add up to the single pass's.</summary>
    static (Outcome Whole, Outcome[] Ranks) Compare(TrainOptions options, int valBatch)
    {
        var whole = Evaluate(options, valBatch, null);
        var ranks = InProcessRanks.Run(2, group => Evaluate(options, valBatch, group));
        Assert.Equal(whole.Batches, ranks.Sum(r => r.Batches));
        Assert.All(ranks, r => Assert.True(r.Batches < whole.Batches, "a rank evaluated every batch: nothing was sharded"));
        foreach (var r in ranks)
        {
            Assert.Equal(whole.Values, r.Values);
            Assert.Equal(whole.Fitness, r.Fitness);
        }
        return (whole, ranks);
    }

    static string Scenes(TempFolder dir, int size, int valImages) => FashionScenes.Ensure(new FashionScenesOptions
    {
        Seed = 5, TrainImages = 4, ValImages = valImages, MinSize = size, MaxSize = size + size / 4, MinObjects = 1, MaxObjects = 3,
        MinScale = 0.3, MaxScale = 0.7, CacheRoot = dir.Root, ImageFormat = "png",
    });

    [Fact]
    public void Classification_shards_merge_into_the_single_pass()
    {
        using var data = new TinyImageFolder();
        using var runs = new TempFolder();
        var (whole, ranks) = Compare(TrainingSetup.Tiny(data.Root, runs.Root), valBatch: 4);   // 18 images: 5 batches, 2 + 3
        foreach (var r in ranks)
        {
            var (a, b) = (((ClassificationEvaluator)whole.Evaluator).Metrics, ((ClassificationEvaluator)r.Evaluator).Metrics);
            Assert.Equal(18, b.Count);
            for (int t = 0; t < 3; t++)
                for (int p = 0; p < 3; p++) Assert.Equal(a.Confusion[t, p], b.Confusion[t, p]);
        }
    }

    [Fact]
    public void Segmentation_shards_merge_into_the_single_pass()
    {
        using var dir = new TempFolder();
        var options = TrainOptions.For("segment") with
        {
            Model = "unet", Data = Scenes(dir, 32, 5), Project = dir.PathOf("runs"), Imgsz = 32,
            ModelOptions = new ModelOptionValues([new("width", "4")]), Workers = 0,
        };
        var (whole, ranks) = Compare(options, valBatch: 2);   // 5 images of 32-40 px, padded per batch: 3 batches, 1 + 2
        var expected = ((SegmentationEvaluator)whole.Evaluator).Confusion;
        foreach (var r in ranks)
        {
            var merged = ((SegmentationEvaluator)r.Evaluator).Confusion;
            Assert.Equal(expected.Total, merged.Total);
            for (int t = 0; t < expected.Classes; t++)
                for (int p = 0; p < expected.Classes; p++) Assert.Equal(expected[t, p], merged[t, p]);
        }
    }

    [Fact]
    public void Yolo_shards_merge_into_the_single_pass()
    {
        using var dir = new TempFolder();
        var options = TrainOptions.For("detect", "yolo11n") with
        {
            Data = Path.Combine(Scenes(dir, 64, 5), "data.yaml"), Project = dir.PathOf("runs"), Imgsz = 64, Workers = 0,
        };
        var (whole, ranks) = Compare(options, valBatch: 2);
        var expected = (YoloEvaluator)whole.Evaluator;
        Assert.Equal(5, expected.Result.Images);
        foreach (var r in ranks)
        {
            var merged = (YoloEvaluator)r.Evaluator;
            Assert.Equal(expected.Result.Images, merged.Result.Images);
            Assert.Equal(expected.Result.Instances, merged.Result.Instances);
            Assert.Equal(expected.Result.ClassMaps, merged.Result.ClassMaps);
            Assert.Equal(expected.Confusion.ByTrueClass(), merged.Confusion.ByTrueClass());
        }
    }

    [Fact]
    public void Detr_shards_merge_into_the_single_pass_with_padded_batches()
    {
        using var dir = new TempFolder();
        var options = new TrainOptions
        {
            Task = "detect", Model = "detr-r18-light", Data = Path.Combine(Scenes(dir, 64, 5), "annotations", "instances_train.json"),
            Imgsz = 64, Workers = 0, Project = dir.PathOf("runs"),
        };
        var (whole, ranks) = Compare(options, valBatch: 2);
        var expected = (DetrEvaluator)whole.Evaluator;
        Assert.Equal(5, expected.Curves.Compute().Images);   // untrained queries find nothing: the COCO numbers are checked below
        foreach (var r in ranks)
        {
            var merged = (DetrEvaluator)r.Evaluator;
            Assert.Equal(expected.Evaluation.Stats, merged.Evaluation.Stats);   // all 12 COCO statistics
            Assert.Equal(expected.Curves.Compute().Images, merged.Curves.Compute().Images);
            Assert.Equal(expected.Confusion.ByTrueClass(), merged.Confusion.ByTrueClass());
        }
    }

    /// <summary>DETR's evaluator on hand-made queries that find some objects: two halves merged give the COCO statistics,
    /// curves and confusion of all six images at once.</summary>
    [Fact]
    public void Detr_states_appended_equal_the_images_added_to_one()
    {
        using var scope = TensorScope.Begin();
        void Add(DetrEvaluator evaluator, int image)
        {
            // A 100 x 100 image with one object of class image % 2; query 0 finds it (less tightly for later images),
            // query 1 claims the other class somewhere else, query 2 is no-object.
            float x0 = 10 + 5 * image, x1 = 50 + 5 * image;
            var annotations = new BoxAnnotations(image + 1, 100, 100, [x0, 20, x1, 60], [image % 2], [false], [(x1 - x0) * 40], [image + 1]);
            using var batch = new Batch(image, [image], [$"{image}.png"], ImageBatch.FromTensor(Tensor.Zeros([1, 3, 100, 100])),
                                        Tensor.From(new long[] { -1 }, 1), null, null, null) { Annotations = [annotations] };
            var logits = Tensor.From(new float[] { image % 2 == 0 ? 3 : 0, image % 2 == 1 ? 3 : 0, 0, 1 - image % 2, image % 2, 0, 0, 0, 4 }, 1, 3, 3);
            float shift = 0.01f * image;
            var boxes = Tensor.From(new float[] { (x0 + x1) / 200 + shift, 0.4f, 0.4f, 0.4f, 0.8f, 0.8f, 0.2f, 0.2f, 0.5f, 0.5f, 0.1f, 0.1f }, 1, 3, 4);
            evaluator.Add(new DetrOutput(logits, boxes, []), batch);
        }
        var whole = new DetrEvaluator(2);
        var (first, second) = (new DetrEvaluator(2), new DetrEvaluator(2));
        for (int i = 0; i < 6; i++)
        {
            Add(whole, i);
            Add(i < 2 ? first : second, i);
        }
        var merged = new DetrEvaluator(2);
        merged.AppendBytes(first.ToBytes());
        merged.AppendBytes(second.ToBytes());
        Assert.True(whole.Evaluation.AP > 0, "nothing found: the comparison would be vacuous");
        Assert.Equal(whole.Evaluation.Stats, merged.Evaluation.Stats);
        Assert.Equal(whole.Curves.Compute().MAP50, merged.Curves.Compute().MAP50);
        Assert.Equal(whole.Confusion.ByTrueClass(), merged.Confusion.ByTrueClass());
    }
}
