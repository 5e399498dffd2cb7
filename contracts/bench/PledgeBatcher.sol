// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

interface ICrowdfundPledge {
    function pledge(uint256 campaignId, uint256 tierId, uint256 amount) external payable;
}

/// @title PledgeBatcher — benchmark tool: many one-wei pledges in one transaction
/// @dev Generates a large event history quickly (scripts/bench_indexer.py); never deployed outside a local chain.
contract PledgeBatcher {
    function pledgeMany(ICrowdfundPledge crowdfund, uint256 firstCampaign, uint256 campaigns, uint256 count)
        external
        payable
    {
        for (uint256 i; i < count; ++i) {
            crowdfund.pledge{value: 1}(firstCampaign + (i % campaigns), 0, 1);
        }
    }
}
