using System.Text;
using Osprey.Data.Datasets.Detection;
using Osprey.Data.Images;

namespace Osprey.Tests.Data.Datasets.Detection;

public class CocoDatasetTests
{
    const string Images = """
        "images": [{"id": 7, "file_name": "a.png", "width": 40, "height": 20},
                   {"id": 3, "file_name": "b.png", "width": 10, "height": 10}]
        """;
    const string Categories = """
        "categories": [{"id": 18, "name": "dog"}, {"id": 1, "name": "person"}, {"id": 90, "name": "toothbrush"}]
        """;

    static string Layout(TempFolder dir, string annotations, string images = Images, string categories = Categories)
    {
        using (var scope = TensorScope.Begin())
        {
            ImageCodec.Write(dir.PathOf("val2017/a.png"), Tensor.Zeros([3, 20, 40], DType.UInt8));
            ImageCodec.Write(dir.PathOf("val2017/b.png"), Tensor.Zeros([3, 10, 10], DType.UInt8));
        }
        return dir.Write("annotations/instances_val2017.json",
            Encoding.UTF8.GetBytes($"{{{images}, \"annotations\": [{annotations}], {categories}}}"));
    }

    const string TwoBoxes = """
        {"id": 100, "image_id": 7, "category_id": 18, "bbox": [2, 3, 10, 5], "iscrowd": 0, "area": 42.5},
        {"id": 101, "image_id": 7, "category_id": 90, "bbox": [30, 10, 20, 20], "iscrowd": 1}
        """;

    [Fact]
    public void ContiguousIdsKeepNamesAndCrowdStaysOutOfTheTargets()
    {
        using var dir = new TempFolder();
        var dataset = CocoDataset.Open(Layout(dir, TwoBoxes)); // image folder found from COCO's layout
        Assert.Equal(["person", "dog", "toothbrush"], dataset.Classes);
        Assert.Equal(2, dataset.Count);
        Assert.Equal(3, dataset.Records[0].ImageId); // sorted by image id; b has no annotations: background
        using var scope = TensorScope.Begin();
        var background = dataset.Get(0);
        Assert.Equal([0L, 4], background.Boxes!.Shape);
        var a = dataset.Get(1);
        Assert.Equal(new float[] { 2, 3, 12, 8 }, a.Boxes!.ToArray<float>());
        Assert.Equal(new long[] { 1 }, a.BoxLabels!.ToArray<long>());
        var all = a.Annotations!;
        Assert.Equal(new long[] { 100, 101 }, all.Ids);
        Assert.Equal(new[] { false, true }, all.Crowd);
        Assert.Equal(new long[] { 1, 2 }, all.Classes);
        Assert.Equal(new float[] { 2, 3, 12, 8, 30, 10, 40, 20 }, all.Boxes); // the crowd box clamped to the image
        Assert.Equal(new[] { 42.5f, 400f }, all.Areas); // COCO's area, or w*h when absent
        Assert.Equal(7, all.ImageId);
    }

    [Fact]
    public void OriginalIdsGiveDetrs91Classes()
    {
        using var dir = new TempFolder();
        var dataset = CocoDataset.Open(Layout(dir, TwoBoxes), categories: CocoCategoryIds.Original);
        Assert.Equal(91, dataset.Classes.Count);
        Assert.Equal("N/A", dataset.Classes[0]);
        Assert.Equal("dog", dataset.Classes[18]);
        Assert.Equal(new long[] { 18, 90 }, dataset.Records[1].Classes);
    }

    [Fact]
    public void DegenerateBoxesAreDroppedAndCounted()
    {
        using var dir = new TempFolder();
        var messages = new List<string>();
        var dataset = CocoDataset.Open(Layout(dir, """
            {"id": 1, "image_id": 7, "category_id": 1, "bbox": [2, 3, 0, 5]},
            {"id": 2, "image_id": 7, "category_id": 1, "bbox": [45, 3, 4, 5]},
            {"id": 3, "image_id": 7, "category_id": 1, "bbox": [1, 1, 4, 5]}
            """), log: messages.Add);
        Assert.Equal(new long[] { 3 }, dataset.Records[1].AnnotationIds);
        Assert.Contains(messages, m => m.Contains("2 degenerate boxes (no area inside the image) dropped, first: annotation id 1"));
    }

    [Theory]
    [InlineData("""{"id": 5, "image_id": 99, "category_id": 1, "bbox": [1, 1, 2, 2]}""", "annotation id 5 refers to image id 99, which is not in 'images'")]
    [InlineData("""{"id": 6, "image_id": 7, "category_id": 2, "bbox": [1, 1, 2, 2]}""", "annotation id 6 refers to category id 2, which is not in 'categories'")]
    [InlineData("""{"id": 8, "image_id": 7, "category_id": 1, "bbox": [1, 1, -2, 2]}""", "annotation id 8: bbox [1, 1, -2, 2] has a negative width or height")]
    [InlineData("""{"id": 9, "image_id": 7, "category_id": 1, "bbox": [1, 1, 2]}""", "annotation id 9: bbox must be 4 finite numbers")]
    [InlineData("""{"id": 10, "image_id": 7, "category_id": 1, "bbox": [1, 1, 2, 2], "iscrowd": 2}""", "annotation id 10: iscrowd is 2")]
    public void BadAnnotationIsNamedByItsId(string annotation, string expected)
    {
        using var dir = new TempFolder();
        var file = Layout(dir, annotation);
        var e = Assert.Throws<DatasetFormatException>(() => CocoDataset.Open(file));
        Assert.Equal($"{file}: {expected}", Assert.Single(e.Errors)[..(file.Length + 2 + expected.Length)]);
    }

    [Fact]
    public void MissingImageFileIsNamed()
    {
        using var dir = new TempFolder();
        var file = Layout(dir, "", images: "\"images\": [{\"id\": 4, \"file_name\": \"gone.png\", \"width\": 5, \"height\": 5}]");
        var e = Assert.Throws<DatasetFormatException>(() => CocoDataset.Open(file));
        Assert.Contains($"image id 4: gone.png not found at {dir.PathOf("val2017/gone.png")}", Assert.Single(e.Errors));
    }

    [Fact]
    public void MalformedJsonNamesTheFileAndLine()
    {
        using var dir = new TempFolder();
        var file = dir.Write("instances_x.json", "{\"images\": [\n{\"id\": 1,\n\"file_name\": }]}"u8.ToArray());
        var e = Assert.Throws<InvalidDataException>(() => CocoDataset.Open(file, dir.Root));
        Assert.StartsWith($"{file}:3: malformed COCO JSON", e.Message);

        var wrongType = dir.Write("instances_y.json", """{"images": [], "annotations": [{"id": 3, "bbox": "wide"}], "categories": []}"""u8.ToArray());
        var typed = Assert.Throws<InvalidDataException>(() => CocoDataset.Open(wrongType, dir.Root));
        Assert.Contains("at $.annotations[0].bbox", typed.Message);
    }

    [Fact]
    public void ImageSizeDifferentFromTheJsonIsNamedWhenDecoded()
    {
        using var dir = new TempFolder();
        var file = Layout(dir, "", images: "\"images\": [{\"id\": 4, \"file_name\": \"a.png\", \"width\": 41, \"height\": 20}]");
        var dataset = CocoDataset.Open(file);
        using var scope = TensorScope.Begin();
        var e = Assert.Throws<InvalidDataException>(() => dataset.Get(0));
        Assert.Contains("is 40x20 but its annotations (image id 4) say 41x20", e.Message);
    }
}
