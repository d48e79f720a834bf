"""Roles: co-facilitators become ``Membership`` rows (role "cofacilitator"); viewers are new.

The membership table is created, every existing co-facilitator is copied into it,
and only then is the old many-to-many field removed, so nobody loses access.
"""

import datetime

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def co_facilitators_to_members(apps, schema_editor):
    Collaboration = apps.get_model("collab", "Collaboration")
    Membership = apps.get_model("collab", "Membership")
    today = datetime.date.today()
    for collab in Collaboration.objects.all():
        for user in collab.co_facilitators.all():
            Membership.objects.get_or_create(
                collaboration=collab, user=user,
                defaults={"role": "cofacilitator", "added_on": today},
            )


def members_to_co_facilitators(apps, schema_editor):
    # Going back, co-facilitators stay co-facilitators; viewers had no place before
    # roles existed, so they lose access rather than gain the right to change things.
    Membership = apps.get_model("collab", "Membership")
    for member in Membership.objects.filter(role="cofacilitator"):
        member.collaboration.co_facilitators.add(member.user)


class Migration(migrations.Migration):

    dependencies = [
        ('collab', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Membership',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=[('cofacilitator', 'Co-facilitator'), ('viewer', 'Viewer')], max_length=20)),
                ('added_on', models.DateField(auto_now_add=True)),
                ('collaboration', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to='collab.collaboration')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='memberships', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['user__username', 'id'],
                'constraints': [models.UniqueConstraint(fields=('collaboration', 'user'), name='one_membership_each')],
            },
        ),
        migrations.RunPython(co_facilitators_to_members, members_to_co_facilitators),
        migrations.RemoveField(
            model_name='collaboration',
            name='co_facilitators',
        ),
    ]
