using System.Text.Json;
using Osprey.Data.Datasets;
using Osprey.Data.Datasets.Detection;
using Osprey.Data.Datasets.Scenes;
using Osprey.Data.Images;

namespace Osprey.Tests.Data.Datasets.Scenes;

public class FashionScenesTests
{
    static FashionScenesOptions Small(string cache, int seed = 3) => new()
    {
        Seed = seed, TrainImages = 8, ValImages = 3, MinSize = 64, MaxSize = 96, MinObjects = 2, MaxObjects = 5,
        MinScale = 0.25, MaxScale = 0.6, CacheRoot = cache, ImageFormat = "png",
    };

    record Obj(long AnnotationId, long ImageId, string FileName, int LabelLine, int Class, int[] Box, int Pixels, int Visible, double Occluded);

    static List<Obj> Occlusion(string root, string split)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "annotations", $"occlusion_{split}.json")));
        return doc.RootElement.GetProperty("objects").EnumerateArray().Select(o => new Obj(
            o.GetProperty("annotation_id").GetInt64(), o.GetProperty("image_id").GetInt64(), o.GetProperty("file_name").GetString()!,
            o.GetProperty("label_line").GetInt32(), o.GetProperty("class").GetInt32(),
            o.GetProperty("box").EnumerateArray().Select(v => v.GetInt32()).ToArray(),
            o.GetProperty("pixels").GetInt32(), o.GetProperty("visible_pixels").GetInt32(), o.GetProperty("occluded").GetDouble())).ToList();
    }

    [Fact]
    public void WritesEveryFormatWithConsistentCounts()
    {
        using var dir = new TempFolder();
        var root = FashionScenes.Ensure(Small(dir.Root));
        Assert.Equal(Path.Combine(dir.Root, $"fashion-scenes-{Small(dir.Root).Hash()}"), root);
        foreach (var (split, n) in new[] { ("train", 8), ("val", 3) })
        {
            Assert.Equal(n, Directory.GetFiles(Path.Combine(root, "images", split), "*.png").Length);
            Assert.Equal(n, Directory.GetFiles(Path.Combine(root, "masks", split), "*.png").Length);
            Assert.Equal(n, Directory.GetFiles(Path.Combine(root, "labels", split), "*.txt").Length);
            var objects = Occlusion(root, split);
            var lines = Directory.GetFiles(Path.Combine(root, "labels", split)).Sum(f => File.ReadAllLines(f).Length);
            Assert.Equal(lines, objects.Count);
            Assert.InRange(objects.Count, 2 * n * 3 / 4, 5 * n); // a placement may be skipped, rarely
            var coco = CocoDataset.Open(Path.Combine(root, "annotations", $"instances_{split}.json"));
            Assert.Equal(n, coco.Count);
            Assert.Equal(objects.Count, coco.Records.Sum(r => r.Count));
            Assert.Equal(FashionMnist.ClassNames, coco.Classes);
        }
        Assert.Empty(Directory.GetDirectories(dir.Root, ".fashion-scenes-*")); // the temp folder was renamed
    }

    [Fact]
    public void YoloAndCocoFilesReadBackWithTheGeneratorsBoxes()
    {
        using var dir = new TempFolder();
        var root = FashionScenes.Ensure(Small(dir.Root));
        var yolo = YoloDataset.Open(Path.Combine(root, "data.yaml"), "train", cacheFile: false);
        var coco = CocoDataset.Open(Path.Combine(root, "annotations", "instances_train.json"));
        var truth = Occlusion(root, "train");
        Assert.Equal(FashionMnist.ClassNames, yolo.Classes);
        using var scope = TensorScope.Begin();
        int checkedBoxes = 0;
        for (int i = 0; i < yolo.Count; i++)
        {
            var fromYolo = yolo.Get(i);
            var fromCoco = coco.Get(i);
            Assert.Equal(Path.GetFileName(yolo.PathOf(i)), Path.GetFileName(coco.PathOf(i)));
            var expected = truth.Where(o => o.ImageId == i + 1).OrderBy(o => o.LabelLine).ToList();
            var yb = fromYolo.Boxes!.ToArray<float>();
            var cb = fromCoco.Boxes!.ToArray<float>();
            Assert.Equal(expected.Select(o => (long)o.Class), fromYolo.BoxLabels!.ToArray<long>());
            Assert.Equal(expected.Select(o => (long)o.Class), fromCoco.BoxLabels!.ToArray<long>());
            for (int k = 0; k < expected.Count; k++)
            for (int c = 0; c < 4; c++)
            {
                Assert.Equal(expected[k].Box[c], cb[4 * k + c]); // COCO: integer pixels, exact
                Assert.True(Math.Abs(expected[k].Box[c] - yb[4 * k + c]) < 1e-3, $"image {i} box {k}: YOLO {yb[4 * k + c]} vs {expected[k].Box[c]}");
                checkedBoxes++;
            }
        }
        Assert.True(checkedBoxes > 0);
    }

    [Fact]
    public void MasksAgreeWithTheBoxesAndTheOcclusionRecord()
    {
        using var dir = new TempFolder();
        var options = Small(dir.Root);
        var root = FashionScenes.Ensure(options);
        var objects = Occlusion(root, "train");
        var maskFile = Path.Combine(root, "masks", "train", "000000.png");
        Assert.Equal(3, File.ReadAllBytes(maskFile)[25]); // IHDR colour type 3: a palette PNG
        int occludedObjects = 0;
        for (int image = 1; image <= options.TrainImages; image++)
        {
            using var scope = TensorScope.Begin();
            var mask = ImageCodec.Read(Path.Combine(root, "masks", "train", $"{image - 1:D6}.png"), ImageReadMode.Indices);
            int h = (int)mask.Size(1), w = (int)mask.Size(2);
            var ids = mask.ToArray<byte>();
            var inImage = objects.Where(o => o.ImageId == image).ToList();
            for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                int v = ids[y * w + x];
                Assert.InRange(v, 0, 10);
                if (v == 0) continue;
                Assert.True(inImage.Any(o => o.Class == v - 1 && x >= o.Box[0] && x < o.Box[2] && y >= o.Box[1] && y < o.Box[3]),
                    $"image {image}: mask pixel ({x}, {y}) of class {v - 1} lies in no box of that class");
            }
            foreach (var o in inImage)
            {
                Assert.Equal(1 - (double)o.Visible / o.Pixels, o.Occluded, 6);
                Assert.True(o.Occluded <= options.MaxOcclusion + 1e-9);
                if (o.Occluded > 0) occludedObjects++;
                // The class's mask pixels inside the box: at least the object's visible ones.
                int inBox = 0;
                for (int y = o.Box[1]; y < o.Box[3]; y++)
                for (int x = o.Box[0]; x < o.Box[2]; x++)
                    if (ids[y * w + x] == o.Class + 1) inBox++;
                Assert.True(inBox >= o.Visible, $"image {image}: {inBox} mask pixels of class {o.Class} in a box with {o.Visible} visible");
                if (o.Occluded == 0 && !inImage.Any(p => p != o && p.Class == o.Class))
                {
                    // Unoccluded and alone in its class: the box is tight around its mask pixels (full extent).
                    var xs = new List<int>();
                    var ys = new List<int>();
                    for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                        if (ids[y * w + x] == o.Class + 1) { xs.Add(x); ys.Add(y); }
                    Assert.Equal(o.Pixels, xs.Count);
                    Assert.Equal(new[] { o.Box[0], o.Box[1], o.Box[2], o.Box[3] }, new[] { xs.Min(), ys.Min(), xs.Max() + 1, ys.Max() + 1 });
                }
            }
        }
        Assert.True(occludedObjects > 0, "no object is occluded: the scenes must have overlaps");
    }

    [Fact]
    public void SameSeedGivesTheSameBytesAndAnotherSeedDoesNot()
    {
        using var dir = new TempFolder();
        FashionScenes.Generate(dir.PathOf("a"), Small(dir.Root));
        FashionScenes.Generate(dir.PathOf("b"), Small(dir.Root));
        FashionScenes.Generate(dir.PathOf("c"), Small(dir.Root, seed: 4));
        var files = Directory.GetFiles(dir.PathOf("a"), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dir.PathOf("a"), f)).Order().ToArray();
        Assert.Equal(files, Directory.GetFiles(dir.PathOf("b"), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(dir.PathOf("b"), f)).Order());
        foreach (var f in files)
            Assert.True(File.ReadAllBytes(Path.Combine(dir.PathOf("a"), f)).SequenceEqual(File.ReadAllBytes(Path.Combine(dir.PathOf("b"), f))), $"{f} differs");
        Assert.False(File.ReadAllBytes(dir.PathOf("a/images/train/000000.png")).SequenceEqual(File.ReadAllBytes(dir.PathOf("c/images/train/000000.png"))));
    }

    [Fact]
    public void EnsureReusesTheGeneratedFolderAndOptionsChangeTheName()
    {
        using var dir = new TempFolder();
        var first = FashionScenes.Ensure(Small(dir.Root));
        var marker = Path.Combine(first, "marker");
        File.WriteAllText(marker, "kept");
        Assert.Equal(first, FashionScenes.Ensure(Small(dir.Root)));
        Assert.True(File.Exists(marker)); // not regenerated
        Assert.NotEqual(Small(dir.Root).Hash(), (Small(dir.Root) with { MaxObjects = 4 }).Hash());
        Assert.Equal(Small(dir.Root).Hash(), (Small(dir.Root) with { CacheRoot = "/elsewhere" }).Hash());
        var jpeg = FashionScenes.Ensure(Small(dir.Root) with { ImageFormat = "jpg", TrainImages = 2, ValImages = 1 });
        Assert.Equal(2, Directory.GetFiles(Path.Combine(jpeg, "images", "train"), "*.jpg").Length);
        Assert.Equal(2, Osprey.Data.Datasets.Detection.YoloDataset.Open(Path.Combine(jpeg, "data.yaml"), "train", cacheFile: false).Count);
        var e = Assert.Throws<ArgumentException>(() => FashionScenes.Ensure(Small(dir.Root) with { MinSize = 10 }));
        Assert.Contains("MinSize", e.Message);
    }
}
