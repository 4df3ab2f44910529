using JasperFx.Events.Projections;
using Marten;

namespace AssessmentEngine.Web.Features.ItemBank;

public static class ItemBankStore
{
    public static StoreOptions ConfigureItemBank(this StoreOptions options)
    {
        options.Events.AddEventTypes([typeof(ItemPublished), typeof(ItemRevised), typeof(ItemRetired)]);
        options.Projections.Add<BankItemProjection>(ProjectionLifecycle.Inline);
        options.Projections.Add<ItemRevisionProjection>(ProjectionLifecycle.Inline);
        options.Schema.For<BankItem>().Index(item => item.ItemId, index => index.IsUnique = true).Index(item => item.UnitCode);
        options.Schema.For<ItemRevision>().Index(revision => revision.ItemId);
        options.Schema.For<BankUnit>();
        options.Schema.For<BankQualification>();
        return options;
    }
}
