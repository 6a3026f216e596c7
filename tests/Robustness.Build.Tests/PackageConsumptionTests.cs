using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Robustness.Build.Tests;

/// <summary>
/// Packs the five libraries into a temporary folder feed and builds and runs a fresh console project
/// outside the repository that references them from there (docs/packaging.md). The version is unique
/// (0.1.0-test.TIMESTAMP) so the shared NuGet cache never serves a stale package; the test removes that
/// version from the cache afterwards. The consumer runs a LeNet-5 forward pass, so on GCC &lt; 13 it also
/// proves that the compat step shipped in Robustness.Models' buildTransitive folder reaches a project
/// that references the package only transitively (through Robustness.Evaluation).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class PackageConsumptionTests
{
    private static readonly string[] _libraries =
        ["Robustness.Data", "Robustness.Perturbations", "Robustness.Models", "Robustness.Statistics", "Robustness.Evaluation"];

    private string _tempFolder = "";
    private string _version = "";

    [SetUp]
    public void SetUp()
    {
        _tempFolder = Directory.CreateTempSubdirectory("robustness-pack-").FullName;
        _version = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)
            + "." + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
    }

    [TearDown]
    public void TearDown()
    {
        Directory.Delete(_tempFolder, recursive: true);
        string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (string id in _libraries)
        {
            string idFolder = Path.Combine(cache, id.ToLowerInvariant());
            string folder = Path.Combine(idFolder, _version);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }

            if (Directory.Exists(idFolder) && !Directory.EnumerateFileSystemEntries(idFolder).Any())
            {
                Directory.Delete(idFolder);
            }
        }
    }

    [Test]
    public void Packages_BuildAndRun_InAFreshConsoleProject_FromAFolderFeed()
    {
        string feed = Path.Combine(_tempFolder, "feed");
        string filter = WriteSolutionFilter();
        (int packExit, string packLog) = Dotnet(_tempFolder, 600,
            "pack", filter, "-c", "Release", "-o", feed, "-p:Version=" + _version,
            "--artifacts-path", Path.Combine(_tempFolder, "artifacts"));
        Assert.That(packExit, Is.Zero, packLog);
        Assert.That(packLog, Does.Not.Contain("warning"), packLog);
        foreach (string id in _libraries)
        {
            Assert.That(File.Exists(Path.Combine(feed, $"{id}.{_version}.nupkg")), Is.True, id + " package\n" + packLog);
            Assert.That(File.Exists(Path.Combine(feed, $"{id}.{_version}.snupkg")), Is.True, id + " symbols\n" + packLog);
        }

        string consumer = WriteConsumer(feed);
        (int runExit, string runLog) = Dotnet(consumer, 600, "run", "-c", "Release", "-v:n", "-tl:off");

        Assert.That(runExit, Is.Zero, runLog);
        Assert.That(runLog, Does.Contain("architectures: lenet5, alexnet8"), runLog);
        Assert.That(runLog, Does.Contain("spearman rho = 0.800000, p = 0.1333"), runLog);
        Assert.That(runLog, Does.Contain("lenet5 predictions: 20, all in 0..9: True"), runLog);
        Assert.That(runLog, Does.Contain("\nok\n"), runLog);
        string generatedTargets = File.ReadAllText(Path.Combine(consumer, "obj", "Consumer.csproj.nuget.g.targets"));
        Assert.That(generatedTargets, Does.Contain("buildTransitive/Robustness.Models.targets").Or.Contain("buildTransitive\\Robustness.Models.targets"),
            "NuGet imports the compat step from Robustness.Models' buildTransitive folder");
        Assert.That(runLog, Does.Contain("trained: 1 epoch"), runLog);
        AssertPackagePage(feed);

        if (!OperatingSystem.IsLinux())
        {
            return; // libLibTorchSharp.so and its GLIBCXX requirement exist on Linux only; the run above is the whole check there
        }

        // Where the system libstdc++ has GLIBCXX_3.4.32 the loader would rightly do nothing: force it ("always") so the
        // no-build-step path below is exercised everywhere. On GCC < 13 (Debian 12, CI) it runs in its default mode.
        bool lacks = SystemLibstdcxxLacksGlibcxx332();
        // No build-time patch at all: the step off, and the output's (unpatched) copy deleted, as where no MSBuild
        // step placed the natives. The library's own call of TorchRuntime.EnsureLoadable must make it train.
        string noStep = Path.Combine(_tempFolder, "out-no-step");
        (int buildExit, string buildLog) = Dotnet(consumer, 600, "build", "-c", "Release", "-o", noStep, "-p:RobustnessLibTorchSharpCompat=never", "-tl:off");
        Assert.That(buildExit, Is.Zero, buildLog);
        string[] copies = Directory.GetFiles(noStep, "libLibTorchSharp.so", SearchOption.AllDirectories);
        Assert.That(copies, Is.Not.Empty, "the backend package puts the library into the output");
        foreach (string copy in copies)
        {
            File.Delete(copy);
        }

        string cache = Path.Combine(_tempFolder, "loader-cache");
        var env = new Dictionary<string, string?> { ["ROBUSTNESS_LIBTORCHSHARP_CACHE"] = cache, ["ROBUSTNESS_LIBTORCHSHARP_COMPAT"] = lacks ? "auto" : "always" };
        (int loaderExit, string loaderLog) = Run(noStep, env);
        TestContext.Out.WriteLine("without the build step, output copy deleted:\n" + loaderLog);
        Assert.That(loaderExit, Is.Zero, loaderLog);
        Assert.That(loaderLog, Does.Contain("trained: 1 epoch").And.Contain("\nok\n"), loaderLog);
        Assert.That(loaderLog, Does.Contain("torch load: LoadedCompatCopy"), loaderLog);
        Assert.That(Directory.GetFiles(cache, "libLibTorchSharp.so", SearchOption.AllDirectories), Has.Length.EqualTo(1), "one copy in the per-user cache");

        if (!lacks)
        {
            TestContext.Out.WriteLine("this system's libstdc++ has GLIBCXX_3.4.32, so the unpatched library loads: the failure message is checked on GCC < 13 only (CI)");
            return;
        }

        // The loader off, the unpatched library in place: the failure names the real cause.
        string unpatched = Path.Combine(_tempFolder, "out-unpatched");
        (buildExit, buildLog) = Dotnet(consumer, 600, "build", "-c", "Release", "-o", unpatched, "-p:RobustnessLibTorchSharpCompat=never", "-tl:off");
        Assert.That(buildExit, Is.Zero, buildLog);
        env["ROBUSTNESS_LIBTORCHSHARP_COMPAT"] = "never";
        (int failExit, string failLog) = Run(unpatched, env);
        TestContext.Out.WriteLine("loader off, unpatched copy:\n" + failLog);
        Assert.That(failExit, Is.EqualTo(3), failLog);
        Assert.That(failLog, Does.Contain("error: TorchSharp could not load its native backend:").And.Contain("requires GLIBCXX_3.4.32 of libstdc++.so.6"), failLog);
        Assert.That(failLog, Does.Contain("TorchRuntime.EnsureLoadable()"), "it says what to do");
    }

    private static bool SystemLibstdcxxLacksGlibcxx332()
    {
        string? system = GlibcxxCompat.FindSystemLibstdcxx();
        return OperatingSystem.IsLinux() && (system is null || !GlibcxxCompat.DefinesVersion(system, GlibcxxCompat.NewVersion));
    }

    /// <summary>The package page: the nuget.org README (no relative links, the GCC note, the backend choice), no URL fields while none is set.</summary>
    private void AssertPackagePage(string feed)
    {
        using var package = System.IO.Compression.ZipFile.OpenRead(Path.Combine(feed, $"Robustness.Models.{_version}.nupkg"));
        using var readme = new StreamReader(package.GetEntry("README.md")!.Open());
        string text = readme.ReadToEnd();
        Assert.That(text, Does.StartWith("# Robustness for .NET"));
        Assert.That(text, Does.Contain("GLIBCXX_3.4.32").And.Contain("TorchSharp-cpu").And.Contain("StudyData.DisjointFromOneSplit"));
        Assert.That(text, Does.Contain("using Robustness.Data; using Robustness.Data.Sources;"), "semicolons survive the README's generation");
        Assert.That(text, Does.Not.Contain("@RepositoryLine@"));
        Assert.That(System.Text.RegularExpressions.Regex.Matches(text, @"\]\((?!https://)[^)]*\)"), Is.Empty, "no relative links on nuget.org");
        using var nuspec = new StreamReader(package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        string metadata = nuspec.ReadToEnd();
        Assert.That(metadata, Does.Contain("<readme>README.md</readme>"));
        Assert.That(metadata, Does.Not.Contain("<projectUrl>"), "no project URL until RobustnessRepositoryUrl is set");
    }

    private static (int Exit, string Log) Run(string output, IReadOnlyDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = output };
        start.ArgumentList.Add(Path.Combine(output, "Consumer.dll"));
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var (exit, text, error) = Robustness.Tests.Shared.ChildProcess.Run(start, TimeSpan.FromSeconds(300), "the consumer");
        return (exit, text + error);
    }

    private string WriteSolutionFilter()
    {
        string root = Robustness.Tests.Shared.TestData.RepositoryRoot;
        string path = Path.Combine(_tempFolder, "libraries.slnf");
        var filter = new
        {
            solution = new
            {
                path = Path.Combine(root, "Robustness.sln"),
                projects = _libraries.Select(id => Path.Combine("src", id, id + ".csproj")).ToArray(),
            },
        };
        File.WriteAllText(path, JsonSerializer.Serialize(filter));
        return path;
    }

    private string WriteConsumer(string feed)
    {
        string folder = Path.Combine(_tempFolder, "consumer");
        Directory.CreateDirectory(folder);
        // Stop MSBuild's upward search for Directory.Build.* and NuGet's for nuget.config.
        File.WriteAllText(Path.Combine(_tempFolder, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(_tempFolder, "Directory.Build.targets"), "<Project />");
        File.WriteAllText(Path.Combine(folder, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(folder, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Robustness.Evaluation" Version="{_version}" />
                <PackageReference Include="TorchSharp-cpu" Version="0.107.0" />
                <PackageReference Include="Microsoft.Extensions.DependencyInjection" Version="10.0.0" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(folder, "Program.cs"), """
            using System.Globalization;
            using Microsoft.Extensions.DependencyInjection;
            using Robustness.Data.Sources;
            using Robustness.Evaluation;
            using Robustness.Models;
            using Robustness.Statistics;

            using var services = new ServiceCollection().AddRobustnessEvaluation().BuildServiceProvider();
            var catalog = services.GetRequiredService<IDatasetCatalog>();
            var digits = (SyntheticDigits)catalog.GetSource("synthetic");
            var test = digits.Load(DatasetSplit.Test);
            var batch = test.Subset(Enumerable.Range(0, 20).ToArray(), "batch");

            var stats = services.GetRequiredService<ICorrelationAnalyzer>();
            var rho = stats.Spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"spearman rho = {rho.Coefficient:F6}, p = {rho.PValue:F4}"));

            var factory = services.GetRequiredService<IModelFactory>();
            Console.WriteLine("architectures: " + string.Join(", ", factory.Architectures));
            try
            {
                using var model = factory.Create("lenet5", seed: 1);
                int[] predictions = model.Predict(batch);
                Console.WriteLine($"lenet5 predictions: {predictions.Length}, all in 0..9: {predictions.All(p => p is >= 0 and <= 9)}");
                var report = services.GetRequiredService<ModelTrainer>().Train(model, batch, new TrainingOptions { MaxEpochs = 1, Seed = 1 });
                Console.WriteLine($"trained: {report.Epochs} epoch");
            }
            catch (InvalidOperationException e)
            {
                Console.WriteLine("error: " + e.Message);
                return 3;
            }

            Console.WriteLine("torch load: " + TorchRuntime.EnsureLoadable().Action);
            Console.WriteLine("ok");
            return 0;
            """);
        return folder;
    }

    private static (int Exit, string Log) Dotnet(string workingDirectory, int timeoutSeconds, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        var (exit, output, error) = Robustness.Tests.Shared.ChildProcess.Run(start, TimeSpan.FromSeconds(timeoutSeconds), "dotnet " + string.Join(' ', arguments));
        return (exit, output + error);
    }
}
