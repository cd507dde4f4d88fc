using System.Reflection;
using System.Text.RegularExpressions;
using Osprey.Torch.Diagnostics;

namespace Osprey.Torch.Tests.Native;

/// <summary>The C ABI stays one list: the shim's header, the binding's export list and its P/Invoke declarations agree.</summary>
public partial class NativeExportsTests
{
    [GeneratedRegex(@"\b(osp_[a-z0-9_]+)\s*\(")]
    private static partial Regex FunctionName();

    static string Header()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "native", "osprey_native.h"))) dir = dir.Parent;
        Assert.True(dir != null, "native/osprey_native.h not found above the test binaries");
        return Path.Combine(dir!.FullName, "native", "osprey_native.h");
    }

    [Fact]
    public void HeaderExportsEqualTheBindingsList()
    {
        var declared = File.ReadLines(Header())
            .Where(line => !line.TrimStart().StartsWith("//", StringComparison.Ordinal) && !line.Contains("typedef"))
            .SelectMany(line => FunctionName().Matches(line).Select(m => m.Groups[1].Value))
            .ToHashSet();
        var listed = NativeDiagnostics.Exports.ToHashSet();
        var imported = typeof(Tensor).Assembly.GetType("Osprey.Torch.Native.NativeMethods", throwOnError: true)!
            .GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
            .Where(m => m.Name.StartsWith("osp_", StringComparison.Ordinal)).Select(m => m.Name).ToHashSet();

        Assert.True(declared.SetEquals(listed), $"header only: [{string.Join(", ", declared.Except(listed))}]; list only: [{string.Join(", ", listed.Except(declared))}]");
        Assert.True(declared.SetEquals(imported), $"header only: [{string.Join(", ", declared.Except(imported))}]; imported only: [{string.Join(", ", imported.Except(declared))}]");
        Assert.Empty(NativeDiagnostics.MissingExports());
    }
}
