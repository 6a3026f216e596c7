using Microsoft.Extensions.DependencyInjection;

namespace Robustness.Data.Tests;

public sealed class DataServiceCollectionExtensionsTests
{
    [Test]
    public void AddRobustnessData_RegistersOneOptionsInstanceAndAppliesEveryConfigure()
    {
        var services = new ServiceCollection();

        var returned = services.AddRobustnessData(o =>
        {
            o.DataDirectory = "/data";
            o.Synthetic = o.Synthetic with { Seed = 17 };
        });
        services.AddRobustnessData(o => o.Synthetic = o.Synthetic with { TrainCountPerClass = 3 });
        services.AddRobustnessData();

        Assert.That(returned, Is.SameAs(services));
        var registrations = services.Where(d => d.ServiceType == typeof(DataOptions)).ToArray();
        Assert.That(registrations, Has.Length.EqualTo(1));
        Assert.That(registrations[0].Lifetime, Is.EqualTo(ServiceLifetime.Singleton));
        var options = (DataOptions)registrations[0].ImplementationInstance!;
        Assert.That(options.DataDirectory, Is.EqualTo("/data"));
        Assert.That(options.Synthetic.Seed, Is.EqualTo(17UL), "the first configure is kept");
        Assert.That(options.Synthetic.TrainCountPerClass, Is.EqualTo(3), "the second configure is applied, not dropped");
        Assert.That(services.Count(d => d.ServiceType == typeof(Robustness.Data.Sources.IDatasetCatalog)), Is.EqualTo(1));
    }

    [Test]
    public void AddRobustnessData_Throws_WhenServicesIsNull()
    {
        Assert.That(() => DataServiceCollectionExtensions.AddRobustnessData(null!), Throws.ArgumentNullException);
    }
}
