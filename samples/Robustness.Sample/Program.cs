using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Robustness.Data.Sources;
using Robustness.Evaluation;
using Robustness.Evaluation.Benchmarks;
using Robustness.Evaluation.Designs;
using Robustness.Evaluation.Runner;
using Robustness.Models;

// MNIST (a folder given as the first argument, or found), else Fashion-MNIST, else synthetic digits -> 100 training and
// 50 test images per class -> a Gaussian test suite at two l2 levels -> LeNet-5 trained 3 epochs -> accuracy per level.
using var services = new ServiceCollection().AddRobustnessEvaluation().BuildServiceProvider();
IDatasetSource source = services.GetRequiredService<IDatasetCatalog>().FirstAvailable(args.FirstOrDefault());
var design = StudyDesign.Scaled(ResearchQuestion.Rq1, perClassTrain: 100, perClassTest: 50);
StudyData data = StudyData.Load(design, source); // both splits, or disjoint draws when the folder has test images only
BenchmarkSuite mnistC = services.GetRequiredService<BenchmarkBuilder>().BuildGaussian(data.Test, seed: 7, levels: [2.0, 6.0]);
using ImageClassifier model = services.GetRequiredService<IModelFactory>().Create(ModelFactory.LeNet5, seed: 1);
var trainer = services.GetRequiredService<ModelTrainer>();
trainer.Train(model, data.Train, trainer.DefaultTrainingOptions with { MaxEpochs = 3, Seed = 1 });
Console.WriteLine($"{source.Dataset.DisplayName}: {data.Description}");
foreach (LevelScore level in mnistC.Score(model).Levels)
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Gaussian l2 = {level.Level:F1}: accuracy {level.Accuracy:P1} of {level.Report.Count}"));
}
