using Osprey.Data.Images;
using Osprey.Data.Datasets.Segmentation;

namespace Osprey.Tests.Data.Datasets.Segmentation;

public class SegmentationDatasetTests
{
    static Dictionary<long, long> Histogram(Tensor mask)
    {
        var values = mask.Flatten().Long().ToArray<long>();
        return values.GroupBy(v => v).ToDictionary(g => g.Key, g => (long)g.Count());
    }

    [Fact]
    public void LabelmeVocExportReadsPaletteIndicesAsClassIds()
    {
        using var scope = TensorScope.Begin();
        var voc = VocSegmentation.Open(SegmentationFiles.LabelmeVoc, split: null);
        Assert.Equal(3, voc.Count);
        Assert.Equal(21, voc.Classes.Count);
        Assert.Equal(["_background_", "aeroplane"], voc.Classes.Take(2));           // from labelme's class_names.txt
        Assert.Equal(new Rgb(128, 0, 0), voc.Palette[1]);
        Assert.Equal(new Rgb(64, 0, 0), voc.Palette[8]);
        var sample = voc.Get(0);
        Assert.EndsWith("JPEGImages/2011_000003.jpg", sample.Source);
        Assert.Equal([3L, 338, 500], sample.Image.Shape);
        Assert.Equal([338L, 500], sample.Mask!.Shape);
        Assert.Equal(DType.UInt8, sample.Mask.DType);
        // Counts from PIL's reading of the same palette PNG (np.unique(np.array(Image.open(...)), return_counts=True)).
        Assert.Equal(new Dictionary<long, long> { [0] = 125767, [5] = 873, [15] = 32900, [255] = 9460 }, Histogram(sample.Mask));
        Assert.Equal(new Dictionary<long, long> { [0] = 93492, [9] = 44306, [15] = 34792, [18] = 14001, [255] = 909 }, Histogram(voc.Get(1).Mask!));
    }

    [Fact]
    public void VocSplitListsChooseThePairsAndAMissingFileNamesBoth()
    {
        using var folder = new TempFolder();
        foreach (var id in new[] { "2011_000003", "2011_000006", "2011_000025" })
        {
            folder.Write($"JPEGImages/{id}.jpg", File.ReadAllBytes($"{SegmentationFiles.LabelmeVoc}/JPEGImages/{id}.jpg"));
            folder.Write($"SegmentationClass/{id}.png", File.ReadAllBytes($"{SegmentationFiles.LabelmeVoc}/SegmentationClassPNG/{id}.png"));
        }
        folder.Write("ImageSets/Segmentation/train.txt", "2011_000025\n2011_000003\n"u8.ToArray());
        folder.Write("ImageSets/Segmentation/val.txt", "2011_000006\n2011_000099\n"u8.ToArray());
        var train = VocSegmentation.Open(folder.Root, "train");
        Assert.Equal(VocSegmentation.VocClasses, train.Classes);  // no class_names.txt: the VOC names
        Assert.Equal(["2011_000025.jpg", "2011_000003.jpg"], train.Pairs.Select(p => Path.GetFileName(p.Image)));
        var e = Assert.Throws<FileNotFoundException>(() => VocSegmentation.Open(folder.Root, "val"));
        Assert.Contains("val.txt line 2", e.Message);
        Assert.Contains("missing image " + folder.PathOf("JPEGImages/2011_000099.jpg"), e.Message);
        Assert.Contains("missing mask " + folder.PathOf("SegmentationClass/2011_000099.png"), e.Message);
        Assert.Contains("trainval", Assert.Throws<FileNotFoundException>(() => VocSegmentation.Open(folder.Root, "test")).Message);
    }

    [Fact]
    public void SizeMismatchAndIdsOutsideTheClassesNameBothFiles()
    {
        using var folder = new TempFolder();
        var image = SegmentationFiles.Image(folder, "JPEGImages/a.jpg", 4, 6);
        var mask = SegmentationFiles.Mask(folder, "SegmentationClass/a.png", 4, 5, 0);
        var voc = VocSegmentation.Open(folder.Root, split: null);
        var e = Assert.Throws<InvalidDataException>(() => voc.Get(0));
        Assert.Contains($"mask {mask} is 5x4", e.Message);
        Assert.Contains($"image {image} is 6x4", e.Message);

        SegmentationFiles.Mask(folder, "SegmentationClass/a.png", 4, 6, 0, 20, 255, 21, 21, 7);
        e = Assert.Throws<InvalidDataException>(() => VocSegmentation.Open(folder.Root, split: null).Get(0));
        Assert.Contains($"mask {mask} (image {image}) has value 21 in 8 pixels", e.Message);
        Assert.Contains("21 classes", e.Message);

        SegmentationFiles.Mask(folder, "SegmentationClass/a.png", 4, 6, 0, 20, 255, 1);
        using var scope = TensorScope.Begin();
        Assert.Equal(new Dictionary<long, long> { [0] = 6, [20] = 6, [255] = 6, [1] = 6 }, Histogram(VocSegmentation.Open(folder.Root, null).Get(0).Mask!));
        SegmentationFiles.Mask(folder, "SegmentationClass/b.png", 4, 6, 0);
        Assert.Contains($"has no image {folder.PathOf("JPEGImages/b.jpg")}",
                        Assert.Throws<FileNotFoundException>(() => VocSegmentation.Open(folder.Root, null)).Message);
    }

    [Fact]
    public void Ade20kReducesTheZeroLabel()
    {
        using var folder = new TempFolder();
        SegmentationFiles.Image(folder, "images/validation/ADE_val_1.jpg", 2, 3);
        SegmentationFiles.Mask(folder, "annotations/validation/ADE_val_1.png", 2, 3, 0, 1, 150, 255, 2, 0);
        using var scope = TensorScope.Begin();
        var ade = Ade20kSegmentation.Open(folder.Root, "val");
        Assert.Equal(150, ade.Classes.Count);
        Assert.Equal("wall", ade.Classes[0]);
        Assert.Equal(new byte[] { 255, 0, 149, 255, 1, 255 }, ade.Get(0).Mask!.ToArray<byte>());
        SegmentationFiles.Mask(folder, "annotations/validation/ADE_val_1.png", 2, 3, 151);
        Assert.Contains("has value 151 in 6 pixels", Assert.Throws<InvalidDataException>(() => ade.Get(0)).Message);
        SegmentationFiles.Image(folder, "images/validation/ADE_val_2.jpg", 2, 3);
        var e = Assert.Throws<FileNotFoundException>(() => Ade20kSegmentation.Open(folder.Root, "validation"));
        Assert.Contains($"image {folder.PathOf("images/validation/ADE_val_2.jpg")} has no mask {folder.PathOf("annotations/validation/ADE_val_2.png")}", e.Message);
    }

    [Fact]
    public void CityscapesMapsLabelIdsToTheNineteenTrainIds()
    {
        using var folder = new TempFolder();
        SegmentationFiles.Image(folder, "leftImg8bit/val/bonn/bonn_000001_000019_leftImg8bit.png", 2, 4);
        SegmentationFiles.Mask(folder, "gtFine/val/bonn/bonn_000001_000019_gtFine_labelIds.png", 2, 4, 7, 8, 26, 33, 0, 9, 34, 31);
        SegmentationFiles.Mask(folder, "gtFine/val/bonn/bonn_000001_000019_gtFine_color.png", 2, 4, 1); // other gtFine files are not masks
        using var scope = TensorScope.Begin();
        var city = CityscapesSegmentation.Open(folder.Root, "val");
        Assert.Equal(1, city.Count);
        Assert.Equal(19, city.Classes.Count);
        Assert.Equal(new Rgb(128, 64, 128), city.Palette[0]);
        Assert.Equal(new byte[] { 0, 1, 13, 18, 255, 255, 255, 16 }, city.Get(0).Mask!.ToArray<byte>());
        SegmentationFiles.Mask(folder, "gtFine/val/aachen/aachen_000000_000019_gtFine_labelIds.png", 2, 4, 7);
        var e = Assert.Throws<FileNotFoundException>(() => CityscapesSegmentation.Open(folder.Root, "val"));
        Assert.Contains($"has no image {folder.PathOf("leftImg8bit/val/aachen/aachen_000000_000019_leftImg8bit")}", e.Message);
    }

    [Fact]
    public void FolderDatasetYamlGivesNamesPaletteAndIgnore()
    {
        using var folder = new TempFolder();
        SegmentationFiles.Image(folder, "data/images/train/x/one.png", 2, 2);
        SegmentationFiles.Mask(folder, "data/masks/train/x/one.png", 2, 2, 0, 1, 2, 9);
        folder.Write("cells.yaml", """
            path: data
            train: {images: images/train, masks: masks/train}
            names: {0: background, 2: nucleus, 1: cell}
            palette: [[0, 0, 0], [255, 0, 0], [0, 255, 0]]
            ignore_index: 9
            """u8.ToArray());
        using var scope = TensorScope.Begin();
        var cells = FolderSegmentation.Open(folder.PathOf("cells.yaml"), "train");
        Assert.Equal(["background", "cell", "nucleus"], cells.Classes);
        Assert.Equal(new Rgb(0, 255, 0), cells.Palette[2]);
        // The files' ignore value 9 is read as the pipeline's 255, which the losses and metrics skip.
        Assert.Equal(Osprey.Data.Sample.IgnoreIndex, cells.IgnoreIndex);
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, cells.Get(0).Mask!.ToArray<byte>());
        SegmentationFiles.Mask(folder, "data/masks/train/x/one.png", 2, 2, 255);
        Assert.Contains("has value 255 in 4 pixels", Assert.Throws<InvalidDataException>(() => cells.Get(0)).Message);
        SegmentationFiles.Mask(folder, "data/masks/train/x/one.png", 2, 2, 3);
        Assert.Contains("has value 3 in 4 pixels", Assert.Throws<InvalidDataException>(() => cells.Get(0)).Message);

        folder.Write("bad.yaml", "names: [a, b]\ntrain: {images: data/images/train, masks: data/masks/train}\nignore: 255\n"u8.ToArray());
        Assert.Contains("bad.yaml:3:1: unknown key 'ignore'", Assert.Throws<InvalidDataException>(() => FolderSegmentation.Open(folder.PathOf("bad.yaml"))).Message);
        folder.Write("gap.yaml", "names: {0: a, 2: b}\ntrain: {images: data/images/train, masks: data/masks/train}\n"u8.ToArray());
        Assert.Contains("gap.yaml:1:8: class ids must be 0..1 without gaps", Assert.Throws<InvalidDataException>(() => FolderSegmentation.Open(folder.PathOf("gap.yaml"))).Message);
        folder.Write("noval.yaml", "names: [a]\ntrain: {images: data/images/train, masks: data/masks/train}\n"u8.ToArray());
        Assert.Contains("no 'val' split", Assert.Throws<InvalidDataException>(() => FolderSegmentation.Open(folder.PathOf("noval.yaml"), "val")).Message);
    }
}

public class SegmentationDatasetsTests
{
    [Fact]
    public void TheLayoutIsFoundFromThePath()
    {
        using var folder = new TempFolder();
        SegmentationFiles.Image(folder, "ade/images/training/a.jpg", 2, 2);
        SegmentationFiles.Mask(folder, "ade/annotations/training/a.png", 2, 2, 1);
        SegmentationFiles.Image(folder, "city/leftImg8bit/val/x/x_1_leftImg8bit.png", 2, 2);
        SegmentationFiles.Mask(folder, "city/gtFine/val/x/x_1_gtFine_labelIds.png", 2, 2, 7);
        Assert.Equal(150, SegmentationDatasets.Open(folder.PathOf("ade"), "train").Classes.Count);
        Assert.Equal(19, SegmentationDatasets.Open(folder.PathOf("city"), "val").Classes.Count);
        Assert.Equal(3, SegmentationDatasets.Open(SegmentationFiles.LabelmeVoc, "train").Count);   // no ImageSets: every mask
        Assert.Contains("no known layout", Assert.Throws<InvalidDataException>(() => SegmentationDatasets.Open(folder.Root, "train")).Message);
        Assert.Contains("expected train or val", Assert.Throws<ArgumentException>(() => SegmentationDatasets.Open(folder.Root, "test")).Message);
    }
}
