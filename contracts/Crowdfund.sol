// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {PlatformFees} from "./base/PlatformFees.sol";
import {IRatingSource, IReputation, Role} from "./interfaces/IReputation.sol";

/// @title Crowdfund — all-or-nothing crowdfunding, one contract for every campaign
/// @notice Creators launch campaigns; backers pledge ETH or an ERC-20. If the goal is met by the deadline the
/// creator claims the funds (in milestones that backers may vote down); otherwise every backer refunds.
/// @dev Every payout is a pull, every state change an event carrying the new values, so the log alone rebuilds
/// the state. See docs/PROTOCOL.md for the state machine and the invariants the tests check.
contract Crowdfund is PlatformFees, Pausable, IRatingSource {
    using SafeCast for uint256;

    /*//////////////////////////////////////////////////////////////
                                 TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice Upcoming, Funding, Succeeded and Failed follow from time and totals; Cancelled (by the creator)
    /// and Rejected (a milestone voted down by the backers) are stored.
    enum State {
        Upcoming,
        Funding,
        Succeeded,
        Failed,
        Cancelled,
        Rejected
    }

    /// @dev Five slots. Slot 0 holds what every pledge reads, slot 1 the totals it writes, so a pledge touches
    /// two campaign slots. Times are uint40 (good until the year 36812) so that slot 0 fits in 256 bits.
    struct Campaign {
        // slot 0
        address token; // address(0) for ETH
        uint40 startsAt;
        uint40 deadline; // pledges are accepted while block.timestamp < deadline
        State storedState; // Funding, Cancelled or Rejected
        uint8 milestoneCount; // tranches the funds are released in; 1 when there is no schedule
        // slot 1
        uint128 raised;
        uint128 goal;
        // slot 2
        address creator;
        uint16 feeBps; // platform fee in force at launch, fixed for the campaign's life
        uint16 quorumBps; // share of `raised` that must vote for a rejection to count
        uint8 tierCount;
        uint8 milestonesApproved; // later tranches unlocked by a vote; the first unlocks on success
        bool voteOpen;
        uint40 voteEndsAt; // of the current or the last vote
        // slot 3
        uint128 released; // paid to the creator so far, fees included
        bool outcomeRecorded; // the creator's reputation has been credited for success or debited for failure
        // slot 4: tranche i's basis points in bits [16i, 16i + 16); only stored when milestoneCount > 1
        uint256 milestoneSchedule;
    }

    /// @dev One slot: amount, the tier held, and the last milestone this backer voted on.
    struct Pledge {
        uint128 amount;
        uint32 tierId; // 0: no reward tier
        uint8 lastVotedMilestone;
    }

    /// @dev One slot. supply 0 means unlimited.
    struct Tier {
        uint128 price;
        uint32 supply;
        uint32 taken;
    }

    /// @dev One slot: the weights cast in the current milestone vote.
    struct Tally {
        uint128 approveWeight;
        uint128 rejectWeight;
    }

    /// @dev One slot, set when a milestone is rejected: what is left to refund and the pledges still to be paid.
    /// Each refund takes pool * pledge / weight (rounded down) and the last takes the rest, so the pool is
    /// paid out exactly.
    struct RefundPool {
        uint128 remaining;
        uint128 weight;
    }

    struct TierSpec {
        uint128 price;
        uint32 supply;
    }

    struct LaunchParams {
        address token;
        uint128 goal;
        uint40 startsAt; // a time already past means "now"
        uint40 deadline;
        uint16 quorumBps;
        uint16[] milestoneBps; // empty: all funds on success
        TierSpec[] tiers;
        string metadataURI;
        bytes32 metadataHash; // keccak256 of the document at metadataURI
    }

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    event CampaignLaunched(
        uint256 indexed campaignId,
        address indexed creator,
        address indexed token,
        uint256 goal,
        uint256 startsAt,
        uint256 deadline,
        uint256 feeBps,
        uint256 quorumBps,
        uint16[] milestoneBps,
        string metadataURI,
        bytes32 metadataHash
    );
    event TierAdded(uint256 indexed campaignId, uint256 indexed tierId, uint256 price, uint256 supply);
    event TierSupplyRaised(uint256 indexed campaignId, uint256 indexed tierId, uint256 supply);
    /// @param pledgeTotal the backer's whole pledge after this one; raised the campaign's new total
    event Pledged(
        uint256 indexed campaignId,
        address indexed backer,
        uint256 tierId,
        uint256 amount,
        uint256 pledgeTotal,
        uint256 raised
    );
    event Unpledged(
        uint256 indexed campaignId, address indexed backer, address to, uint256 tierId, uint256 amount, uint256 raised
    );
    event CampaignCancelled(uint256 indexed campaignId);
    /// @param amount sent to `to`; fee accrued to the treasury; released the creator's new gross total
    event Claimed(uint256 indexed campaignId, address indexed to, uint256 amount, uint256 fee, uint256 released);
    event VoteOpened(uint256 indexed campaignId, uint256 indexed milestone, uint256 endsAt);
    event Voted(
        uint256 indexed campaignId,
        address indexed backer,
        uint256 indexed milestone,
        bool approve,
        uint256 weight,
        uint256 approveWeight,
        uint256 rejectWeight
    );
    /// @param refundPool when rejected, what the backers share pro rata; 0 when approved
    event VoteClosed(
        uint256 indexed campaignId,
        uint256 indexed milestone,
        bool approved,
        uint256 approveWeight,
        uint256 rejectWeight,
        uint256 refundPool
    );
    event Refunded(uint256 indexed campaignId, address indexed backer, address to, uint256 amount);
    event ReputationChanged(address indexed oldReputation, address indexed newReputation);
    event FailureRecorded(uint256 indexed campaignId);

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    error CampaignNotFound(uint256 campaignId);
    error NotCreator(address caller, address creator);
    error ZeroAmount();
    // launch
    error GoalIsZero();
    error TokenNotAContract(address token);
    error DurationOutOfRange(uint256 duration, uint256 min, uint256 max);
    error StartTooFarAhead(uint256 startsAt, uint256 latest);
    error QuorumAbove100Percent(uint256 quorumBps);
    error TooManyMilestones(uint256 count, uint256 max);
    error EmptyMilestone(uint256 index);
    error MilestonesMustSumTo100Percent(uint256 sumBps);
    // tiers
    error TooManyTiers(uint256 max);
    error TierPriceIsZero();
    error TierNotFound(uint256 tierId);
    error TierSoldOut(uint256 tierId, uint256 supply);
    error SupplyCannotShrink(uint256 supply, uint256 requested);
    error BelowTierPrice(uint256 pledgeTotal, uint256 price);
    // pledges
    error NotFunding(State state);
    error WrongEthAmount(uint256 sent, uint256 expected);
    error PermitNeedsToken();
    error NothingPledged();
    error UnpledgeWouldDropBelowGoal(uint256 raisedAfter, uint256 goal);
    // outcomes
    error CannotCancel(State state);
    error NotClaimable(State state);
    error NothingToClaim();
    error NotRefundable(State state);
    error NotFailed(State state);
    error OutcomeAlreadyRecorded();
    error NoReputationLedger();
    error ReputationNotAContract(address ledger);
    error NotEnoughGasToRecord(uint256 gasLeft, uint256 needed);
    // milestones
    error NoMilestoneLeft();
    error VoteAlreadyOpen();
    error VoteNotOpen();
    error VoteStillRunning(uint256 endsAt);
    error VoteEnded(uint256 endsAt);
    error OnlyCreatorUntil(uint256 time);
    error AlreadyVoted(uint256 milestone);
    // platform

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    uint256 public constant MIN_DURATION = 1 days;
    uint256 public constant MAX_DURATION = 90 days;
    uint256 public constant MAX_START_DELAY = 90 days;
    /// @notice In its final 24 hours a campaign's total cannot be pledged back below its goal.
    uint256 public constant UNPLEDGE_LOCK = 24 hours;
    uint256 public constant MAX_MILESTONES = 16;
    uint256 public constant VOTE_PERIOD = 7 days;
    /// @notice After this long without the creator opening the next milestone vote, any backer may open it,
    /// so a silent creator cannot hold the backers' unreleased funds forever.
    uint256 public constant MILESTONE_GRACE = 180 days;

    /// @notice What a creator's reputation (in points, WAD) gains or loses. Success is worth less than a
    /// rejected milestone costs: taking backers' money and not delivering must not pay off.
    int256 public constant SUCCESS_POINTS = 50e18;
    int256 public constant MILESTONE_APPROVED_POINTS = 20e18;
    int256 public constant MILESTONE_REJECTED_POINTS = -100e18;
    int256 public constant FAILURE_POINTS = -10e18;
    /// @notice The gas a reputation record may use (a first score in a role costs about 52,000).
    uint256 public constant RECORD_GAS = 100_000;

    uint256 public campaignCount;
    /// @notice The reputation ledger creators' outcomes are recorded in; address(0) records nothing.
    IReputation public reputation;

    mapping(uint256 campaignId => Campaign) internal _campaigns;
    mapping(uint256 campaignId => mapping(uint256 tierId => Tier)) public tiers;
    mapping(uint256 campaignId => mapping(address backer => Pledge)) public pledges;
    mapping(uint256 campaignId => Tally) public tallies;
    mapping(uint256 campaignId => RefundPool) public refundPools;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    constructor(address owner_, address treasury_, uint16 feeBps_) PlatformFees(owner_, treasury_, feeBps_) {}

    /*//////////////////////////////////////////////////////////////
                                 LAUNCH
    //////////////////////////////////////////////////////////////*/

    /// @notice Launch a campaign. Goal, times, milestones and the fee in force are fixed from here on.
    function launch(LaunchParams calldata p) external whenNotPaused returns (uint256 campaignId) {
        if (p.goal == 0) revert GoalIsZero();
        if (p.token != address(0) && p.token.code.length == 0) revert TokenNotAContract(p.token);
        uint256 startsAt = p.startsAt < block.timestamp ? block.timestamp : p.startsAt;
        if (startsAt > block.timestamp + MAX_START_DELAY) {
            revert StartTooFarAhead(startsAt, block.timestamp + MAX_START_DELAY);
        }
        uint256 duration = p.deadline > startsAt ? p.deadline - startsAt : 0;
        if (duration < MIN_DURATION || duration > MAX_DURATION) {
            revert DurationOutOfRange(duration, MIN_DURATION, MAX_DURATION);
        }
        if (p.quorumBps > BPS) revert QuorumAbove100Percent(p.quorumBps);
        (uint8 milestoneCount, uint256 schedule) = _packMilestones(p.milestoneBps);

        campaignId = ++campaignCount;
        Campaign storage c = _campaigns[campaignId];
        c.token = p.token;
        c.startsAt = uint40(startsAt);
        c.deadline = p.deadline;
        c.storedState = State.Funding;
        c.milestoneCount = milestoneCount;
        c.goal = p.goal;
        c.creator = msg.sender;
        c.feeBps = feeBps;
        c.quorumBps = p.quorumBps;
        if (milestoneCount > 1) c.milestoneSchedule = schedule;

        _emitLaunched(campaignId, startsAt, p);
        for (uint256 i; i < p.tiers.length; ++i) {
            _addTier(c, campaignId, p.tiers[i].price, p.tiers[i].supply);
        }
    }

    /// @notice Add a reward tier while the campaign has not ended.
    function addTier(uint256 campaignId, uint128 price, uint32 supply) external returns (uint256 tierId) {
        Campaign storage c = _creatorsOpenCampaign(campaignId);
        return _addTier(c, campaignId, price, supply);
    }

    /// @notice Raise a tier's supply (0 = unlimited). Supply can never shrink: backers counted on it.
    function raiseTierSupply(uint256 campaignId, uint256 tierId, uint32 supply) external {
        _creatorsOpenCampaign(campaignId);
        Tier storage t = _existingTier(campaignId, tierId);
        uint32 current = t.supply;
        if (current == 0 || (supply != 0 && supply <= current)) revert SupplyCannotShrink(current, supply);
        t.supply = supply;
        emit TierSupplyRaised(campaignId, tierId, supply);
    }

    /*//////////////////////////////////////////////////////////////
                                PLEDGES
    //////////////////////////////////////////////////////////////*/

    /// @notice Pledge `amount` (send it as msg.value for an ETH campaign; approve it first for a token campaign)
    /// and hold reward tier `tierId` (0 for none). A repeat pledge adds to the first; naming another tier moves
    /// the backer's place to it. The whole pledge must cover the tier's price.
    function pledge(uint256 campaignId, uint256 tierId, uint256 amount) external payable nonReentrant {
        address token = _campaigns[campaignId].token;
        uint256 expectedValue = token == address(0) ? amount : 0;
        if (msg.value != expectedValue) revert WrongEthAmount(msg.value, expectedValue);
        _recordPledge(campaignId, tierId, amount);
        if (token != address(0)) _pullToken(token, amount);
    }

    /// @notice `pledge` for a token campaign with an EIP-2612 permit, so the backer signs once instead of
    /// sending an approval first.
    function pledgeWithPermit(
        uint256 campaignId,
        uint256 tierId,
        uint256 amount,
        uint256 permitDeadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external nonReentrant {
        address token = _campaigns[campaignId].token;
        if (token == address(0)) revert PermitNeedsToken();
        _recordPledge(campaignId, tierId, amount);
        // A permit front-run by someone else has already set the allowance; then the transfer below decides.
        try IERC20Permit(token).permit(msg.sender, address(this), amount, permitDeadline, v, r, s) {} catch {}
        _pullToken(token, amount);
    }

    /// @notice Take the whole pledge back before the deadline and give up its tier place. In the final
    /// 24 hours this is refused when it would drop a campaign that has reached its goal below it.
    function unpledge(uint256 campaignId, address to) external nonReentrant {
        if (to == address(0)) revert ZeroAddress();
        Campaign storage c = _campaigns[campaignId];
        State state = _stateOf(c, campaignId);
        if (state != State.Funding) revert NotFunding(state);
        Pledge memory p = pledges[campaignId][msg.sender];
        if (p.amount == 0) revert NothingPledged();
        uint128 raised = c.raised;
        uint128 raisedAfter = raised - p.amount;
        if (block.timestamp + UNPLEDGE_LOCK >= c.deadline && raised >= c.goal && raisedAfter < c.goal) {
            revert UnpledgeWouldDropBelowGoal(raisedAfter, c.goal);
        }

        c.raised = raisedAfter;
        if (p.tierId != 0) tiers[campaignId][p.tierId].taken -= 1;
        delete pledges[campaignId][msg.sender];
        emit Unpledged(campaignId, msg.sender, to, p.tierId, p.amount, raisedAfter);

        _send(c.token, to, p.amount);
    }

    /*//////////////////////////////////////////////////////////////
                                OUTCOMES
    //////////////////////////////////////////////////////////////*/

    /// @notice The creator calls the campaign off before its deadline; every backer can then refund.
    function cancel(uint256 campaignId) external {
        Campaign storage c = _campaigns[campaignId];
        State state = _stateOf(c, campaignId);
        _onlyCreator(c);
        if (state != State.Upcoming && state != State.Funding) revert CannotCancel(state);
        c.storedState = State.Cancelled;
        emit CampaignCancelled(campaignId);
    }

    /// @notice The creator takes what is unlocked and not yet paid: everything on success without milestones,
    /// otherwise the tranches unlocked so far (the first on success, each later one by a vote). The fee in
    /// force at launch goes to the treasury's balance.
    function claim(uint256 campaignId, address to) external nonReentrant {
        if (to == address(0)) revert ZeroAddress();
        Campaign storage c = _campaigns[campaignId];
        State state = _stateOf(c, campaignId);
        _onlyCreator(c);
        // After a rejection the creator keeps what was unlocked before it.
        if (state != State.Succeeded && state != State.Rejected) revert NotClaimable(state);
        uint256 unlocked = _unlocked(c);
        uint256 due = unlocked - c.released;
        if (due == 0) revert NothingToClaim();
        uint256 fee = (due * c.feeBps) / BPS; // rounded down: against the platform, which asks for it

        c.released = uint128(unlocked);
        feesAccrued[c.token] += fee;
        // Only a campaign claimed while a ledger is set counts as recorded, so one claimed before stays open.
        bool firstOutcome = !c.outcomeRecorded && address(reputation) != address(0);
        if (firstOutcome) c.outcomeRecorded = true;
        emit Claimed(campaignId, to, due - fee, fee, unlocked);

        if (firstOutcome) _record(c.creator, SUCCESS_POINTS, "campaign.succeeded", campaignId);

        _send(c.token, to, due - fee);
    }

    /// @notice After a failed or cancelled campaign a backer takes back the whole pledge; after a rejected
    /// milestone, their pro-rata share of the funds not yet unlocked.
    function refund(uint256 campaignId, address to) external nonReentrant {
        if (to == address(0)) revert ZeroAddress();
        Campaign storage c = _campaigns[campaignId];
        State state = _stateOf(c, campaignId);
        uint256 pledged = pledges[campaignId][msg.sender].amount;
        if (pledged == 0) revert NothingPledged();
        uint256 amount = pledged;
        if (state == State.Rejected) {
            RefundPool memory pool = refundPools[campaignId];
            // rounded down: against the backer asking; the last backer takes what rounding left
            amount = pledged == pool.weight ? pool.remaining : (uint256(pool.remaining) * pledged) / pool.weight;
            refundPools[campaignId] = RefundPool(pool.remaining - uint128(amount), pool.weight - uint128(pledged));
        } else if (state != State.Failed && state != State.Cancelled) {
            revert NotRefundable(state);
        }

        delete pledges[campaignId][msg.sender];
        emit Refunded(campaignId, msg.sender, to, amount);

        _send(c.token, to, amount);
    }

    /// @notice Record a failed campaign against its creator's reputation, once; anyone may call. (Success is
    /// recorded by the creator's first claim; failure is not put on a refund, so no backer pays for it.)
    function recordFailure(uint256 campaignId) external {
        Campaign storage c = _campaigns[campaignId];
        State state = _stateOf(c, campaignId);
        if (state != State.Failed) revert NotFailed(state);
        if (c.outcomeRecorded) revert OutcomeAlreadyRecorded();
        IReputation ledger = reputation;
        if (address(ledger) == address(0)) revert NoReputationLedger();
        c.outcomeRecorded = true;
        emit FailureRecorded(campaignId);
        // Recording is this call's whole purpose, so a refusing ledger reverts it rather than being skipped.
        ledger.record(c.creator, Role.Creator, FAILURE_POINTS, "campaign.failed", campaignId);
    }

    /*//////////////////////////////////////////////////////////////
                               MILESTONES
    //////////////////////////////////////////////////////////////*/

    /// @notice Open the backers' vote on releasing the next tranche of a funded campaign. The creator opens it
    /// when the milestone is delivered; if they stay silent for MILESTONE_GRACE, any backer may.
    function openVote(uint256 campaignId) external {
        Campaign storage c = _campaigns[campaignId];
        State state = _stateOf(c, campaignId);
        if (state != State.Succeeded) revert NotClaimable(state);
        uint256 milestone = c.milestonesApproved + 1;
        if (milestone >= c.milestoneCount) revert NoMilestoneLeft();
        if (c.voteOpen) revert VoteAlreadyOpen();
        if (msg.sender != c.creator) {
            uint256 lastUnlock = c.milestonesApproved == 0 ? c.deadline : c.voteEndsAt;
            if (block.timestamp < lastUnlock + MILESTONE_GRACE) revert OnlyCreatorUntil(lastUnlock + MILESTONE_GRACE);
            if (pledges[campaignId][msg.sender].amount == 0) revert NothingPledged();
        }

        uint40 endsAt = uint40(block.timestamp + VOTE_PERIOD);
        c.voteOpen = true;
        c.voteEndsAt = endsAt;
        delete tallies[campaignId];
        emit VoteOpened(campaignId, milestone, endsAt);
    }

    /// @notice Approve or reject the milestone under vote, weighted by your pledge. Once per milestone.
    function vote(uint256 campaignId, bool approve) external {
        Campaign storage c = _campaigns[campaignId];
        if (!c.voteOpen) revert VoteNotOpen();
        if (block.timestamp >= c.voteEndsAt) revert VoteEnded(c.voteEndsAt);
        Pledge storage p = pledges[campaignId][msg.sender];
        uint128 weight = p.amount;
        if (weight == 0) revert NothingPledged();
        uint8 milestone = c.milestonesApproved + 1;
        if (p.lastVotedMilestone == milestone) revert AlreadyVoted(milestone);

        p.lastVotedMilestone = milestone;
        Tally storage t = tallies[campaignId];
        if (approve) t.approveWeight += weight;
        else t.rejectWeight += weight;
        emit Voted(campaignId, msg.sender, milestone, approve, weight, t.approveWeight, t.rejectWeight);
    }

    /// @notice Close a vote whose period is over; anyone may. The milestone is rejected when a majority of
    /// the weight cast rejects it and the weight cast reaches the quorum; the campaign then fails from there
    /// and the backers share what is not yet unlocked. Otherwise the tranche unlocks for the creator.
    function closeVote(uint256 campaignId) external {
        Campaign storage c = _campaigns[campaignId];
        if (!c.voteOpen) revert VoteNotOpen();
        if (block.timestamp < c.voteEndsAt) revert VoteStillRunning(c.voteEndsAt);
        Tally memory t = tallies[campaignId];
        uint256 cast = uint256(t.approveWeight) + t.rejectWeight;
        bool rejected = t.rejectWeight > t.approveWeight && cast * BPS >= uint256(c.quorumBps) * c.raised;
        uint256 milestone = c.milestonesApproved + 1;

        c.voteOpen = false;
        uint256 pool;
        if (rejected) {
            c.storedState = State.Rejected;
            pool = c.raised - _unlocked(c);
            refundPools[campaignId] = RefundPool(uint128(pool), c.raised);
        } else {
            c.milestonesApproved += 1;
        }
        emit VoteClosed(campaignId, milestone, !rejected, t.approveWeight, t.rejectWeight, pool);

        if (rejected) _record(c.creator, MILESTONE_REJECTED_POINTS, "milestone.rejected", campaignId);
        else _record(c.creator, MILESTONE_APPROVED_POINTS, "milestone.approved", campaignId);
    }

    /*//////////////////////////////////////////////////////////////
                                PLATFORM
    //////////////////////////////////////////////////////////////*/

    // withdrawFees, setFee and setTreasury come from PlatformFees.

    /// @notice Where creators' outcomes are recorded (the ledger must register this contract as a module).
    function setReputation(IReputation newReputation) external onlyOwner {
        address ledger = address(newReputation);
        if (ledger != address(0) && ledger.code.length == 0) revert ReputationNotAContract(ledger);
        emit ReputationChanged(address(reputation), address(newReputation));
        reputation = newReputation;
    }

    /// @notice Stop new launches. Pledges, refunds and payouts of existing campaigns are never paused.
    function pause() external onlyOwner {
        _pause();
    }

    function unpause() external onlyOwner {
        _unpause();
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    function campaign(uint256 campaignId) external view returns (Campaign memory) {
        return _campaigns[campaignId];
    }

    function stateOf(uint256 campaignId) external view returns (State) {
        return _stateOf(_campaigns[campaignId], campaignId);
    }

    /// @notice Each tranche's share in basis points, in release order.
    function milestoneSchedule(uint256 campaignId) external view returns (uint16[] memory schedule) {
        Campaign storage c = _campaigns[campaignId];
        schedule = new uint16[](c.milestoneCount);
        for (uint256 i; i < schedule.length; ++i) {
            schedule[i] = _trancheBps(c, i);
        }
    }

    /// @notice What the creator could claim now (before the fee).
    function claimable(uint256 campaignId) external view returns (uint256) {
        Campaign storage c = _campaigns[campaignId];
        State state = _stateOf(c, campaignId);
        if (state != State.Succeeded && state != State.Rejected) return 0;
        return _unlocked(c) - c.released;
    }

    /// @notice What `backer` could refund now.
    function refundable(uint256 campaignId, address backer) external view returns (uint256) {
        Campaign storage c = _campaigns[campaignId];
        State state = _stateOf(c, campaignId);
        uint256 pledged = pledges[campaignId][backer].amount;
        if (state == State.Failed || state == State.Cancelled) return pledged;
        if (state != State.Rejected || pledged == 0) return 0;
        RefundPool memory pool = refundPools[campaignId];
        return pledged == pool.weight ? pool.remaining : (uint256(pool.remaining) * pledged) / pool.weight;
    }

    /*//////////////////////////////////////////////////////////////
                               INTERNALS
    //////////////////////////////////////////////////////////////*/

    /// @notice A backer of a funded campaign may rate its creator; the rating weighs the backer's share of
    /// the funds (rounded down), so all of one campaign's ratings together weigh at most one full rating.
    function ratingWeight(uint256 campaignId, address rater, address subject)
        external
        view
        returns (Role subjectRole, uint256 weightBps)
    {
        Campaign storage c = _campaigns[campaignId];
        if (c.deadline == 0 || subject != c.creator) return (Role.Creator, 0);
        State state = _stateOf(c, campaignId);
        if (state != State.Succeeded && state != State.Rejected) return (Role.Creator, 0);
        return (Role.Creator, (uint256(pledges[campaignId][rater].amount) * BPS) / c.raised);
    }

    function _stateOf(Campaign storage c, uint256 campaignId) internal view returns (State) {
        uint256 deadline = c.deadline;
        if (deadline == 0) revert CampaignNotFound(campaignId);
        State stored = c.storedState;
        if (stored != State.Funding) return stored;
        if (block.timestamp < c.startsAt) return State.Upcoming;
        if (block.timestamp < deadline) return State.Funding;
        return c.raised >= c.goal ? State.Succeeded : State.Failed;
    }

    /// @dev Checks, effects and event of a pledge; the caller moves the money.
    function _recordPledge(uint256 campaignId, uint256 tierId, uint256 amount) internal {
        if (amount == 0) revert ZeroAmount();
        Campaign storage c = _campaigns[campaignId];
        State state = _stateOf(c, campaignId);
        if (state != State.Funding) revert NotFunding(state);
        Pledge storage p = pledges[campaignId][msg.sender];
        uint128 pledgeTotal = p.amount + amount.toUint128();
        uint32 heldTier = p.tierId;
        if (tierId != heldTier) {
            if (heldTier != 0) tiers[campaignId][heldTier].taken -= 1;
            if (tierId != 0) _takeTierPlace(campaignId, tierId);
            p.tierId = uint32(tierId);
        }
        if (tierId != 0) {
            uint128 price = tiers[campaignId][tierId].price;
            if (pledgeTotal < price) revert BelowTierPrice(pledgeTotal, price);
        }
        uint128 raised = c.raised + uint128(amount);
        p.amount = pledgeTotal;
        c.raised = raised;
        emit Pledged(campaignId, msg.sender, tierId, amount, pledgeTotal, raised);
    }

    /// @dev Its own function only to keep launch's stack shallow.
    function _emitLaunched(uint256 campaignId, uint256 startsAt, LaunchParams calldata p) internal {
        emit CampaignLaunched(
            campaignId,
            msg.sender,
            p.token,
            p.goal,
            startsAt,
            p.deadline,
            feeBps,
            p.quorumBps,
            p.milestoneBps,
            p.metadataURI,
            p.metadataHash
        );
    }

    function _takeTierPlace(uint256 campaignId, uint256 tierId) internal {
        Tier storage t = _existingTier(campaignId, tierId);
        if (t.supply != 0 && t.taken >= t.supply) revert TierSoldOut(tierId, t.supply);
        t.taken += 1;
    }

    function _existingTier(uint256 campaignId, uint256 tierId) internal view returns (Tier storage t) {
        t = tiers[campaignId][tierId];
        if (t.price == 0) revert TierNotFound(tierId);
    }

    function _addTier(Campaign storage c, uint256 campaignId, uint128 price, uint32 supply)
        internal
        returns (uint256 tierId)
    {
        if (price == 0) revert TierPriceIsZero();
        if (c.tierCount == type(uint8).max) revert TooManyTiers(type(uint8).max);
        tierId = ++c.tierCount;
        tiers[campaignId][tierId] = Tier(price, supply, 0);
        emit TierAdded(campaignId, tierId, price, supply);
    }

    function _creatorsOpenCampaign(uint256 campaignId) internal view returns (Campaign storage c) {
        c = _campaigns[campaignId];
        State state = _stateOf(c, campaignId);
        _onlyCreator(c);
        if (state != State.Upcoming && state != State.Funding) revert NotFunding(state);
    }

    function _onlyCreator(Campaign storage c) internal view {
        if (msg.sender != c.creator) revert NotCreator(msg.sender, c.creator);
    }

    /// @dev The creator's gross entitlement so far: all of `raised` once every tranche is unlocked, otherwise
    /// the unlocked share rounded down (against the creator, who asks for it).
    function _unlocked(Campaign storage c) internal view returns (uint256) {
        uint256 tranches = uint256(c.milestonesApproved) + 1;
        if (tranches >= c.milestoneCount) return c.raised;
        uint256 bps;
        for (uint256 i; i < tranches; ++i) {
            bps += _trancheBps(c, i);
        }
        return (uint256(c.raised) * bps) / BPS;
    }

    function _trancheBps(Campaign storage c, uint256 index) internal view returns (uint16) {
        if (c.milestoneCount == 1) return uint16(BPS);
        return uint16(c.milestoneSchedule >> (16 * index));
    }

    function _packMilestones(uint16[] calldata milestoneBps) internal pure returns (uint8 count, uint256 schedule) {
        if (milestoneBps.length == 0) return (1, 0);
        if (milestoneBps.length > MAX_MILESTONES) revert TooManyMilestones(milestoneBps.length, MAX_MILESTONES);
        uint256 sum;
        for (uint256 i; i < milestoneBps.length; ++i) {
            if (milestoneBps[i] == 0) revert EmptyMilestone(i);
            sum += milestoneBps[i];
            schedule |= uint256(milestoneBps[i]) << (16 * i);
        }
        if (sum != BPS) revert MilestonesMustSumTo100Percent(sum);
        return (uint8(milestoneBps.length), schedule);
    }

    /// @dev Reputation is bookkeeping, never a condition of a payout: a ledger that refuses (this contract
    /// deregistered, a score at its bound) must not block a claim or a vote. The record gets a fixed gas
    /// budget and the caller must leave enough for it; otherwise a caller could starve the call so that it
    /// fails (63/64 of too little) while the transaction succeeds, silently dropping a penalty.
    function _record(address creator, int256 points, bytes32 reason, uint256 campaignId) internal {
        IReputation ledger = reputation;
        if (address(ledger) == address(0)) return;
        if (gasleft() < RECORD_GAS + RECORD_GAS / 63 + 5_000) revert NotEnoughGasToRecord(gasleft(), RECORD_GAS);
        try ledger.record{gas: RECORD_GAS}(creator, Role.Creator, points, reason, campaignId) {} catch {}
    }
}
