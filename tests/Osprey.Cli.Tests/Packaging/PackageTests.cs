using System.Diagnostics;
using Osprey.Cli.Tests.Commands;

namespace Osprey.Cli.Tests.Packaging;

/// <summary>
/// <c>dotnet pack</c> of Osprey.Torch and Osprey (as built for these tests) into a local feed, and a fresh console app
/// restored from it (its own package folder, so no stale copy lands in the user's cache) that loads both native
/// libraries from the packages' runtimes/linux-x64/native and decodes a PNG; and the CLI packed as the <c>osprey</c>
/// .NET tool, installed into a temporary tool path from that feed.
/// </summary>
public class PackageTests
{
    [Fact]
    public async Task AConsoleAppRunsFromThePackages()
    {
        if (!OperatingSystem.IsLinux()) return;   // the packages carry linux-x64 native libraries only
        var root = OspreyProcess.RepositoryRoot;
        var work = Directory.CreateTempSubdirectory("osprey-pack-").FullName;
        try
        {
            var feed = Directory.CreateDirectory(Path.Combine(work, "feed")).FullName;
            foreach (var project in new[] { "Osprey.Torch", "Osprey" })
                await Dotnet(root, ["pack", Path.Combine("src", project), "-c", OspreyProcess.Configuration, "--no-build", "-o", feed, "-nologo", "-v", "quiet"]);
            Assert.True(File.Exists(Path.Combine(feed, "Osprey.1.0.0.nupkg")));
            using (var zip = System.IO.Compression.ZipFile.OpenRead(Path.Combine(feed, "Osprey.Torch.1.0.0.nupkg")))
            {
                var names = zip.Entries.Select(e => e.FullName).ToList();
                Assert.Contains("runtimes/linux-x64/native/libosprey_native.so", names);
                Assert.Contains("lib/net10.0/Osprey.Torch.xml", names);
            }

            var app = Directory.CreateDirectory(Path.Combine(work, "app")).FullName;
            var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } c ? c
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
                <configuration><packageSources><clear /><add key="feed" value="{feed}" /><add key="cache" value="{cache}" /></packageSources></configuration>
                """);
            File.WriteAllText(Path.Combine(app, "App.csproj"), """
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><ImplicitUsings>enable</ImplicitUsings><Nullable>enable</Nullable></PropertyGroup>
                  <ItemGroup><PackageReference Include="Osprey" Version="1.0.0" /></ItemGroup>
                </Project>
                """);
            File.WriteAllText(Path.Combine(app, "Program.cs"), """
                using Osprey.Data.Images;
                using Osprey.Torch;
                using var scope = TensorScope.Begin();
                var image = ImageCodec.Decode(ImageCodec.EncodePng(Tensor.Full([3, 5, 7], 9, DType.UInt8)), ImageReadMode.Rgb, "memory");
                Console.WriteLine($"{LibTorch.NativeLibraryPath}|{ImageCodec.Library.Path}|{string.Join("x", image.Shape)}|{image.Sum().Item<long>()}");
                """);
            var output = await Dotnet(app, ["run", "-nologo", "-v", "quiet"], new() { ["NUGET_PACKAGES"] = Path.Combine(work, "packages") });
            var fields = output.Trim().Split('\n')[^1].Split('|');
            Assert.EndsWith("runtimes/linux-x64/native/libosprey_native.so", fields[0]);
            Assert.EndsWith("runtimes/linux-x64/native/libosprey_codecs.so", fields[1]);
            Assert.Equal("3x5x7", fields[2]);
            Assert.Equal((3 * 5 * 7 * 9).ToString(System.Globalization.CultureInfo.InvariantCulture), fields[3]);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task TheCliInstallsAsADotnetTool()
    {
        if (!OperatingSystem.IsLinux()) return;
        var root = OspreyProcess.RepositoryRoot;
        var work = Directory.CreateTempSubdirectory("osprey-tool-").FullName;
        try
        {
            var feed = Directory.CreateDirectory(Path.Combine(work, "feed")).FullName;
            await Dotnet(root, ["pack", Path.Combine("src", "Osprey.Cli"), "-c", OspreyProcess.Configuration, "--no-build", "-o", feed, "-nologo", "-v", "quiet"]);
            File.WriteAllText(Path.Combine(work, "nuget.config"), $"""
                <configuration><packageSources><clear /><add key="feed" value="{feed}" /></packageSources></configuration>
                """);
            var tools = Path.Combine(work, "tools");
            var isolated = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(work, "packages") };
            await Dotnet(work, ["tool", "install", "Osprey.Cli", "--tool-path", tools, "--configfile", Path.Combine(work, "nuget.config"), "--version", "1.0.0"], isolated);

            var osprey = Path.Combine(tools, "osprey");
            Assert.True(File.Exists(osprey), $"no osprey command in {tools}");
            var version = await Run(osprey, work, ["--version"]);
            Assert.Matches(@"^\d+\.\d+\.\d+", version.Trim());
            var info = await Run(osprey, work, ["info", "resnet18"]);
            using (var model = Osprey.Models.ModelRegistry.Create("resnet18", new Osprey.Models.ModelArgs()))
                Assert.Contains(FormattableString.Invariant($" {model.Parameters().Sum(p => p.NumEl):N0} parameters"), info);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    static Task<string> Dotnet(string folder, string[] args, Dictionary<string, string>? environment = null) =>
        Run("dotnet", folder, args, environment);

    static async Task<string> Run(string program, string folder, string[] args, Dictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program, args) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (k, v) in environment ?? []) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)} exited {process.ExitCode}:\n{await output}\n{errors}");
        return await output;
    }
}
