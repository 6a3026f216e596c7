using System.Diagnostics;
using System.Text.Json;
using Robustness.Tests.Shared;

namespace Robustness.Build.Tests;

/// <summary>
/// Runs samples/notebooks/run-all.sh, the script a user runs: it packs the libraries into a folder feed,
/// installs the .NET Interactive kernel into a folder of its own and executes every notebook headless in
/// Jupyter. No LD_LIBRARY_PATH and no manual NativeLibrary.Load: on GCC &lt; 13 the notebook loads through
/// the runtime loader (its first cell shows what the loader did).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class NotebookTests
{
    [Test]
    public void EveryNotebook_RunsHeadless_WithoutACellError_AndShowsItsFigureInline()
    {
        if (!CanRun("jupyter", "nbconvert --version"))
        {
            string reason = "Needs Jupyter's nbconvert and an IPython kernel (apt-get install jupyter-nbconvert python3-ipykernel).";
            if (TestData.InCi)
            {
                Assert.Fail(reason + " CI must install them.");
            }

            Assert.Ignore(reason);
        }

        string root = TestData.RepositoryRoot;
        string work = Directory.CreateTempSubdirectory("robustness-notebooks-").FullName;
        string output = Path.Combine(work, "out");
        try
        {
            var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = root };
            start.ArgumentList.Add(Path.Combine(root, "samples", "notebooks", "run-all.sh"));
            start.Environment["ROBUSTNESS_NOTEBOOK_OUT"] = output;
            start.Environment["ROBUSTNESS_NOTEBOOK_WORK"] = Path.Combine(work, "work");
            start.Environment.Remove("LD_LIBRARY_PATH");
            if (TestData.SharedDataFolder is { } shared && Directory.Exists(Path.Combine(shared, "mnist")))
            {
                start.Environment["ROBUSTNESS_DATA"] = Path.Combine(shared, "mnist");
            }

            using var process = Process.Start(start)!;
            Task<string> error = process.StandardError.ReadToEndAsync();
            Task<string> text = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromMinutes(15)))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("run-all.sh ran over 15 minutes");
            }

            process.WaitForExit();
            string log = text.Result + error.Result;
            TestContext.Out.WriteLine(log);
            Assert.That(process.ExitCode, Is.Zero, log);

            string[] notebooks = Directory.GetFiles(Path.Combine(root, "samples", "notebooks"), "*.ipynb");
            Assert.That(notebooks, Is.Not.Empty);
            foreach (string source in notebooks)
            {
                string executed = Path.Combine(output, Path.GetFileName(source));
                Assert.That(File.Exists(executed), Is.True, executed);
                using var document = JsonDocument.Parse(File.ReadAllText(executed));
                var cells = document.RootElement.GetProperty("cells").EnumerateArray().Where(c => c.GetProperty("cell_type").GetString() == "code").ToList();
                var outputs = cells.SelectMany(c => c.GetProperty("outputs").EnumerateArray()).ToList();
                Assert.That(outputs.Count(o => o.GetProperty("output_type").GetString() == "error"), Is.Zero, executed);
                Assert.That(cells.All(c => c.GetProperty("execution_count").ValueKind == JsonValueKind.Number), Is.True, "every code cell ran");
                string all = string.Join('\n', outputs.Select(o => o.ToString()));
                Assert.That(all, Does.Contain("data:image/png;base64").Or.Contain("image/png"), "the figure is shown inline");
                Assert.That(all, Does.Contain("exact p = "), "p-values are printed with their method");
                Assert.That(all, Does.Not.Contain("p = 0.000").And.Not.Contain("p = 0 "), "never p = 0");
                string code = string.Join('\n', cells.SelectMany(c => c.GetProperty("source").EnumerateArray()).Select(l => l.GetString()));
                Assert.That(code, Does.Not.Contain("ScottPlot").And.Contain("StudyReport.Write("), "the report and its figures come from the library alone");
                Assert.That(all, Does.Contain("report.md"), "the report's path is printed");
                foreach (string attack in new[] { "fgsm", "pgd", "minimal" })
                {
                    Assert.That(all, Does.Match(attack + @" +l2 1\.5: accuracy [0-9.]+ ?%"), "the three attacks on the wrapped network print their accuracies");
                }

                Assert.That(all, Does.Contain("loaded the compatible copy").Or.Contain("provides GLIBCXX_3.4.32").Or.Contain("already patched").Or.Contain("not Linux"),
                    "the first cell reports what the runtime loader did");
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static bool CanRun(string file, string arguments)
    {
        try
        {
            var start = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var process = Process.Start(start)!;
            process.WaitForExit(30_000);
            return process.HasExited && process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
