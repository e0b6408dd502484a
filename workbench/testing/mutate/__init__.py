"""Mutation testing of flows (`workbench mutate`): small changes a flow author could get wrong, replayed against
the suite to find the ones no conversation notices."""
