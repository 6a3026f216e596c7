// Synthetic digits -> Gaussian test suite at two l2 levels -> LeNet-5 trained 1 epoch on 2,000 images -> accuracy per level.
// Run: dotnet run --project samples/Robustness.Sample -c Release   (offline, a few seconds on 2 cores)
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Robustness.Data;
using Robustness.Data.Sources;
using Robustness.Evaluation;
using Robustness.Evaluation.Benchmarks;
using Robustness.Models;

using var services = new ServiceCollection()
    .AddRobustnessData(o => o.Synthetic = new SyntheticDigitsOptions { TrainCountPerClass = 200, TestCountPerClass = 50 })
    .AddRobustnessEvaluation()
    .BuildServiceProvider();

var digits = services.GetRequiredService<IDatasetCatalog>().GetSource("synthetic");
ImageSet train = digits.Load(DatasetSplit.Train), test = digits.Load(DatasetSplit.Test);
BenchmarkSuite gaussian = services.GetRequiredService<BenchmarkBuilder>().BuildGaussian(test, seed: 7, levels: [2.0, 6.0]);

using ImageClassifier model = services.GetRequiredService<IModelFactory>().Create(ModelFactory.LeNet5, seed: 1);
var trainer = services.GetRequiredService<ModelTrainer>();
trainer.Train(model, train, trainer.DefaultTrainingOptions with { MaxEpochs = 1, Seed = 1 });

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"LeNet-5, 1 epoch on {train.Count:N0} synthetic digits; clean test accuracy {model.Evaluate(test).Accuracy:P1}"));
foreach (LevelScore score in gaussian.Score(model).Levels)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Gaussian l2 = {score.Level:F1}: accuracy {score.Accuracy:P1} of {score.Report.Count:N0}"));
}

// Expected output:
// LeNet-5, 1 epoch on 2,000 synthetic digits; clean test accuracy 62.2 %
// Gaussian l2 = 2.0: accuracy 60.2 % of 500
// Gaussian l2 = 6.0: accuracy 52.4 % of 500
