// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

import {PlatformFees} from "./base/PlatformFees.sol";
import {Deal, IRatingSource, IReputation, Role} from "./interfaces/IReputation.sol";

/// @title Crowdfund — all-or-nothing crowdfunding, one contract for every campaign
/// @notice Creators launch campaigns; backers pledge ETH or an ERC-20. If the goal is met by the deadline the
/// creator claims the funds (in milestones that backers may veto); otherwise every backer refunds. Backers then
/// confirm that their reward was delivered, or report that it was not, and may rate the creator.
/// @dev Every payout is a pull, every state change an event carrying the new values, so the log alone rebuilds
/// the state. See docs/PROTOCOL.md for the state machine and the invariants the tests check.
/// Gas: the dispatcher compares selectors in ascending order, 22 gas each, so every public function or constant
/// whose selector sorts below pledge's (0x294806ad), refund's (0x7ad226dc) or unpledge's (0xbebc317a) would cost
/// every backer more. The delivery and rating functions and constants are named so that theirs sort above
/// unpledge's (test_pledge.py guards this).
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

    /// @notice How a campaign's milestone votes are counted (see closeVote).
    /// PledgeWeighted: optimistic release, vetoed when the reject weight reaches quorumBps of `raised`.
    /// OnePerVerifiedIdentity: one vote per backer with a verified identity; rejected when rejects > approves.
    enum VoteMode {
        PledgeWeighted,
        OnePerVerifiedIdentity
    }

    /// @dev Five slots, grouped by who writes them when. Slot 0 holds what every pledge reads and slot 1 the
    /// totals it writes, so a pledge touches two campaign slots. Slot 2 is fixed at launch and slot 3 only
    /// changes after the deadline, so launch writes slots 0 to 2 (and 4 with a schedule) and never slot 3.
    /// Times are uint40 (good until the year 36812) so that slots 0 and 2 fit in 256 bits.
    struct Campaign {
        // slot 0: read by every pledge (256 bits)
        address token; // address(0) for ETH
        uint40 startsAt;
        uint40 deadline; // pledges are accepted while block.timestamp < deadline
        State storedState; // Funding, Cancelled or Rejected
        uint8 milestoneCount; // tranches the funds are released in; 1 when there is no schedule
        // slot 1: written by every pledge
        uint128 raised;
        uint128 goal;
        // slot 2: fixed at launch (256 bits; tierCount also grows with addTier)
        address creator;
        uint16 feeBps; // platform fee in force at launch, fixed for the campaign's life
        uint16 quorumBps; // PledgeWeighted: the reject weight, as a share of `raised`, that vetoes a milestone
        uint8 tierCount;
        uint40 deliveryDate; // when rewards are due; from then on a backer may report non-delivery
        VoteMode voteMode;
        uint8 minAttestationLevel; // OnePerVerifiedIdentity: the attestation level a voter must hold
        // slot 3: changed by claims and votes, after the deadline (200 bits)
        uint128 released; // paid to the creator so far, fees included
        uint8 milestonesApproved; // later tranches unlocked by a vote; the first unlocks on success
        bool voteOpen;
        uint40 voteEndsAt; // of the current or the last vote
        uint16 voteUnverifiedWeightBps; // the ledger's unverified weight when that vote opened (see closeVote)
        bool failureRecorded; // recordFailure has debited the creator
        // slot 4: tranche i's basis points in bits [16i, 16i + 16); only stored when milestoneCount > 1
        uint256 milestoneSchedule;
    }

    /// @dev One slot (192 bits): amount, the tier held, the last milestone this backer voted on, and the
    /// delivery and rating flags, which share the slot the backer already paid for so that they cost no new one.
    struct Pledge {
        uint128 amount;
        uint32 tierId; // 0: no reward tier
        uint8 lastVotedMilestone;
        bool deliveryConfirmed;
        bool nonDeliveryReported;
        bool rated; // the backer has rated the creator (through the reputation ledger)
    }

    /// @notice Whether a backer may rate the creator now (mayRateCreator), and if not, why.
    enum RatingCheck {
        Allowed,
        RaterIsCreator,
        NothingPledged,
        DeliveryNotRecorded, // confirmDelivery or reportNotDelivered comes first
        AlreadyRated
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
        uint16 quorumBps; // PledgeWeighted: 1 to MAX_QUORUM_BPS; OnePerVerifiedIdentity: 0
        uint16[] milestoneBps; // empty: all funds on success
        TierSpec[] tiers;
        string metadataURI;
        bytes32 metadataHash; // keccak256 of the document at metadataURI
        uint40 deliveryDate; // from deadline to deadline + MAX_DELIVERY_WAIT
        VoteMode voteMode;
        uint8 minAttestationLevel; // OnePerVerifiedIdentity only; 0 otherwise
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
        bytes32 metadataHash,
        uint256 deliveryDate,
        VoteMode voteMode,
        uint256 minAttestationLevel
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
    /// @param unverifiedWeightBps the ledger's unverified weight now, fixed for this vote: it scales the veto
    /// quorum of a pledge-weighted vote (see closeVote); 10,000 without a ledger or with identity votes
    event VoteOpened(
        uint256 indexed campaignId, uint256 indexed milestone, uint256 endsAt, uint256 unverifiedWeightBps
    );
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
    /// @param pledge the backer's pledge, the value of the deal the ledger records
    event DeliveryConfirmed(uint256 indexed campaignId, address indexed backer, uint256 pledge);
    event NonDeliveryReported(uint256 indexed campaignId, address indexed backer, uint256 pledge);
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
    error QuorumOutOfRange(uint256 quorumBps, uint256 min, uint256 max);
    error IdentityVotesTakeNoQuorum(uint256 quorumBps);
    error AttestationLevelNeedsIdentityVotes(uint256 minAttestationLevel);
    error DeliveryDateOutOfRange(uint256 deliveryDate, uint256 earliest, uint256 latest);
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
    error FailureAlreadyRecorded();
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
    error CreatorCannotVote(address creator);
    error NotVerified(address voter, uint256 minLevel);
    // delivery and ratings
    error NotFunded(State state);
    error CreatorCannotReportDelivery(address creator);
    error DeliveryAlreadyRecorded();
    error DeliveryNotDueYet(uint256 deliveryDate);
    error NotTheLedger(address caller);
    error OnlyTheCreatorIsRated(address subject, address creator);
    error DeliveryNotRecorded();
    error AlreadyRated();

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
    /// @notice The highest quorum a pledge-weighted campaign may set: with more, one account abstaining with
    /// less than half of the money could make every rejection impossible.
    uint256 public constant MAX_QUORUM_BPS = 5_000;
    /// @notice The latest delivery date, after the deadline.
    uint256 public constant MAX_DELIVERY_WAIT = 730 days;

    /// @notice Base points (WAD) the reputation ledger scales by the value settled (see IReputation): per unit of
    /// value claimed, per unit of a rejected milestone's refund pool, per unit raised by a failed campaign, and
    /// per unit of a backer's pledge when the backer confirms or denies delivery. A rejection or a non-delivery
    /// costs more than the same value earned: taking backers' money and not delivering must not pay off.
    int256 public constant SUCCESS_POINTS = 50e18;
    int256 public constant MILESTONE_REJECTED_POINTS = -100e18;
    int256 public constant FAILURE_POINTS = -10e18;
    int256 public constant CONFIRMED_DELIVERY_POINTS = 20e18;
    int256 public constant REPORTED_NON_DELIVERY_POINTS = -100e18;
    /// @notice What a backer earns (Backer role) per unit of a pledge whose delivery they confirm.
    int256 public constant CONFIRMING_BACKER_POINTS = 5e18;
    /// @notice The gas a reputation record may use (a deal that writes a new pair and two new scores costs
    /// about 95,000).
    uint256 public constant RECORD_GAS = 150_000;

    uint256 public campaignCount;
    /// @notice The reputation ledger creators' outcomes are recorded in; address(0) records nothing.
    IReputation public reputation;

    mapping(uint256 campaignId => Campaign) internal _campaigns;
    mapping(uint256 campaignId => mapping(uint256 tierId => Tier)) public tiers;
    mapping(uint256 campaignId => mapping(address backer => Pledge)) public pledges;
    mapping(uint256 campaignId => Tally) public tallies;
    mapping(uint256 campaignId => RefundPool) public refundPools;
    /// @notice What `creator` has claimed in `token` over all their campaigns, fees included: the value their
    /// Creator points for success are priced on, so that spreading money over many campaigns earns no more
    /// than raising it in one.
    mapping(address creator => mapping(address token => uint256)) public claimedByCreator;

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
        _checkVoteRules(p);
        if (p.deliveryDate < p.deadline || p.deliveryDate > p.deadline + MAX_DELIVERY_WAIT) {
            revert DeliveryDateOutOfRange(p.deliveryDate, p.deadline, p.deadline + MAX_DELIVERY_WAIT);
        }
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
        c.deliveryDate = p.deliveryDate;
        c.voteMode = p.voteMode;
        c.minAttestationLevel = p.minAttestationLevel;
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
        address token = _recordPledge(campaignId, tierId, amount);
        // Checked after the pledge is booked (a revert undoes it) because the asset is read with the state.
        uint256 expectedValue = token == address(0) ? amount : 0;
        if (msg.value != expectedValue) revert WrongEthAmount(msg.value, expectedValue);
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
        address token = _recordPledge(campaignId, tierId, amount);
        if (token == address(0)) revert PermitNeedsToken();
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
        // The two fields unpledge needs, not the whole struct: decoding the delivery flags too costs a backer gas.
        Pledge storage p = pledges[campaignId][msg.sender];
        uint128 amount = p.amount;
        uint32 tierId = p.tierId;
        if (amount == 0) revert NothingPledged();
        uint128 raised = c.raised;
        uint128 raisedAfter = raised - amount;
        if (block.timestamp + UNPLEDGE_LOCK >= c.deadline && raised >= c.goal && raisedAfter < c.goal) {
            revert UnpledgeWouldDropBelowGoal(raisedAfter, c.goal);
        }

        c.raised = raisedAfter;
        if (tierId != 0) tiers[campaignId][tierId].taken -= 1;
        delete pledges[campaignId][msg.sender];
        emit Unpledged(campaignId, msg.sender, to, tierId, amount, raisedAfter);

        _send(c.token, to, amount);
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
        uint256 releasedBefore = c.released;
        uint256 due = unlocked - releasedBefore;
        if (due == 0) revert NothingToClaim();
        uint256 fee = (due * c.feeBps) / BPS; // rounded down: against the platform, which asks for it

        c.released = uint128(unlocked);
        uint256 claimedBefore = claimedByCreator[c.creator][c.token];
        claimedByCreator[c.creator][c.token] = claimedBefore + due;
        feesAccrued[c.token] += fee;
        emit Claimed(campaignId, to, due - fee, fee, unlocked);

        // Cumulative values over all the creator's campaigns: the points are V(claimed after) − V(claimed
        // before), so cutting the money into more claims, or into more campaigns (many small self-funded ones
        // bought points at the fee's price on the concave V), earns nothing extra.
        _recordValue(
            c.creator, SUCCESS_POINTS, c.token, claimedBefore, claimedBefore + due, "campaign.claimed", campaignId
        );

        _send(c.token, to, due - fee);
    }

    /// @notice After a failed or cancelled campaign a backer takes back the whole pledge; after a rejected
    /// milestone, their pro-rata share of the funds not yet unlocked.
    function refund(uint256 campaignId, address to) external nonReentrant {
        if (to == address(0)) revert ZeroAddress();
        Campaign storage c = _campaigns[campaignId];
        State state = _stateOf(c, campaignId);
        address token = c.token; // read with the state's slot, before the writes below
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

        _send(token, to, amount);
    }

    /// @notice Record a failed campaign against its creator's reputation, FAILURE_POINTS × V(raised), once;
    /// anyone may call. (Claims record success as they pay; failure is not put on a refund, so no backer pays
    /// for it.)
    function recordFailure(uint256 campaignId) external {
        Campaign storage c = _campaigns[campaignId];
        State state = _stateOf(c, campaignId);
        if (state != State.Failed) revert NotFailed(state);
        if (c.failureRecorded) revert FailureAlreadyRecorded();
        IReputation ledger = reputation;
        if (address(ledger) == address(0)) revert NoReputationLedger();
        c.failureRecorded = true;
        emit FailureRecorded(campaignId);
        // Recording is this call's whole purpose, so a refusing ledger reverts it rather than being skipped.
        ledger.recordValue(
            c.creator, Role.Creator, FAILURE_POINTS, c.token, 0, c.raised, "campaign.failed", campaignId
        );
    }

    /*//////////////////////////////////////////////////////////////
                                DELIVERY
    //////////////////////////////////////////////////////////////*/

    /// @notice As a backer of a funded campaign, confirm that you received your reward, once. The ledger records
    /// a deal: the creator earns CONFIRMED_DELIVERY_POINTS and you earn CONFIRMING_BACKER_POINTS, scaled by your
    /// pledge's value. It also opens your rating of the creator. Confirm before a refund after a rejection: the
    /// refund deletes the pledge.
    function confirmDelivery(uint256 campaignId) external {
        (Campaign storage c, Pledge storage p) = _deliveryParties(campaignId);
        uint128 pledged = p.amount;
        p.deliveryConfirmed = true;
        emit DeliveryConfirmed(campaignId, msg.sender, pledged);
        _recordDeal(c, CONFIRMED_DELIVERY_POINTS, CONFIRMING_BACKER_POINTS, pledged, "campaign.delivered", campaignId);
    }

    /// @notice As a backer of a funded campaign, report from the delivery date on that you did not receive your
    /// reward, once (instead of confirming it). The ledger records a penalty deal: the creator loses
    /// REPORTED_NON_DELIVERY_POINTS' worth, scaled by your pledge's value. It also opens your rating of the creator.
    function reportNotDelivered(uint256 campaignId) external {
        (Campaign storage c, Pledge storage p) = _deliveryParties(campaignId);
        if (block.timestamp < c.deliveryDate) revert DeliveryNotDueYet(c.deliveryDate);
        uint128 pledged = p.amount;
        p.nonDeliveryReported = true;
        emit NonDeliveryReported(campaignId, msg.sender, pledged);
        _recordDeal(c, REPORTED_NON_DELIVERY_POINTS, 0, pledged, "campaign.undelivered", campaignId);
    }

    /// @notice Called by the reputation ledger when `rater` rates `subject` about campaign `campaignId`: only a
    /// backer who confirmed delivery or reported non-delivery rates, only the creator, once. Marks the rating
    /// given in the backer's pledge slot; the ledger's Rated event is this change's event.
    /// @return subjectRole Creator
    /// @return token the campaign's asset
    /// @return value the rater's pledge
    function consumeRating(uint256 campaignId, address rater, address subject)
        external
        returns (Role subjectRole, address token, uint256 value)
    {
        if (msg.sender != address(reputation)) revert NotTheLedger(msg.sender);
        Campaign storage c = _campaigns[campaignId];
        if (c.deadline == 0) revert CampaignNotFound(campaignId);
        if (subject != c.creator) revert OnlyTheCreatorIsRated(subject, c.creator);
        Pledge storage p = pledges[campaignId][rater];
        value = p.amount;
        if (value == 0) revert NothingPledged();
        if (!p.deliveryConfirmed && !p.nonDeliveryReported) revert DeliveryNotRecorded();
        if (p.rated) revert AlreadyRated();
        p.rated = true;
        return (Role.Creator, c.token, value);
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
        uint16 unverifiedBps = _unverifiedWeightBps(c);
        c.voteOpen = true;
        c.voteEndsAt = endsAt;
        c.voteUnverifiedWeightBps = unverifiedBps;
        delete tallies[campaignId];
        emit VoteOpened(campaignId, milestone, endsAt, unverifiedBps);
    }

    /// @notice Approve or reject the milestone under vote, once per milestone. PledgeWeighted: your pledge ×
    /// your identity weight in the ledger (the whole pledge without a ledger). OnePerVerifiedIdentity: 1, if the
    /// ledger verifies you at the campaign's level. The creator never votes on its own campaign.
    function vote(uint256 campaignId, bool approve) external {
        Campaign storage c = _campaigns[campaignId];
        if (!c.voteOpen) revert VoteNotOpen();
        if (block.timestamp >= c.voteEndsAt) revert VoteEnded(c.voteEndsAt);
        if (msg.sender == c.creator) revert CreatorCannotVote(msg.sender);
        Pledge storage p = pledges[campaignId][msg.sender];
        uint256 pledged = p.amount;
        if (pledged == 0) revert NothingPledged();
        uint8 milestone = c.milestonesApproved + 1;
        if (p.lastVotedMilestone == milestone) revert AlreadyVoted(milestone);
        uint128 weight = _voteWeight(c, pledged);

        p.lastVotedMilestone = milestone;
        Tally storage t = tallies[campaignId];
        if (approve) t.approveWeight += weight;
        else t.rejectWeight += weight;
        emit Voted(campaignId, msg.sender, milestone, approve, weight, t.approveWeight, t.rejectWeight);
    }

    /// @notice Close a vote whose period is over; anyone may. PledgeWeighted: the milestone is rejected when
    /// the reject weight reaches quorumBps of what `raised` would weigh if no backer were verified (with the
    /// unverified weight fixed when the vote opened); approvals are recorded but do not offset rejections (an
    /// optimistic release with a veto). OnePerVerifiedIdentity: rejected when rejects outnumber approvals.
    /// A rejected campaign fails from there and the backers share what is not yet unlocked; otherwise the
    /// tranche unlocks for the creator.
    function closeVote(uint256 campaignId) external {
        Campaign storage c = _campaigns[campaignId];
        if (!c.voteOpen) revert VoteNotOpen();
        if (block.timestamp < c.voteEndsAt) revert VoteStillRunning(c.voteEndsAt);
        Tally memory t = tallies[campaignId];
        bool rejected = c.voteMode == VoteMode.OnePerVerifiedIdentity
            ? t.rejectWeight > t.approveWeight
            : _vetoed(t.rejectWeight, c.quorumBps, c.raised, c.voteUnverifiedWeightBps);
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

        // An approval earns nothing by itself: the claim it unlocks does.
        if (rejected) {
            _recordValue(c.creator, MILESTONE_REJECTED_POINTS, c.token, 0, pool, "milestone.rejected", campaignId);
        }
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

    /// @notice Whether `rater` may rate the creator of `campaignId` now, and if not, why (as consumeRating would
    /// refuse). The reputation ledger adds its own checks: stars in range, the rater not the creator, this
    /// contract a registered module.
    function mayRateCreator(uint256 campaignId, address rater) external view returns (RatingCheck) {
        Campaign storage c = _campaigns[campaignId];
        if (c.deadline == 0) revert CampaignNotFound(campaignId);
        if (rater == c.creator) return RatingCheck.RaterIsCreator;
        Pledge memory p = pledges[campaignId][rater];
        if (p.amount == 0) return RatingCheck.NothingPledged;
        if (!p.deliveryConfirmed && !p.nonDeliveryReported) return RatingCheck.DeliveryNotRecorded;
        if (p.rated) return RatingCheck.AlreadyRated;
        return RatingCheck.Allowed;
    }

    /*//////////////////////////////////////////////////////////////
                               INTERNALS
    //////////////////////////////////////////////////////////////*/

    function _stateOf(Campaign storage c, uint256 campaignId) internal view returns (State) {
        uint256 deadline = c.deadline;
        if (deadline == 0) revert CampaignNotFound(campaignId);
        State stored = c.storedState;
        if (stored != State.Funding) return stored;
        if (block.timestamp < c.startsAt) return State.Upcoming;
        if (block.timestamp < deadline) return State.Funding;
        return c.raised >= c.goal ? State.Succeeded : State.Failed;
    }

    /// @dev Checks, effects and event of a pledge; returns the campaign's asset, read with the slot the state
    /// comes from (one read for both), for the caller to check against what it was sent and to move the money.
    function _recordPledge(uint256 campaignId, uint256 tierId, uint256 amount) internal returns (address token) {
        if (amount == 0) revert ZeroAmount();
        Campaign storage c = _campaigns[campaignId];
        State state = _stateOf(c, campaignId);
        token = c.token;
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
            p.metadataHash,
            p.deliveryDate,
            p.voteMode,
            p.minAttestationLevel
        );
    }

    /// @dev PledgeWeighted needs a quorum in [1, MAX_QUORUM_BPS] and no attestation level; one vote per
    /// verified identity needs no quorum and a ledger that verifies.
    function _checkVoteRules(LaunchParams calldata p) internal view {
        if (p.voteMode == VoteMode.OnePerVerifiedIdentity) {
            if (p.quorumBps != 0) revert IdentityVotesTakeNoQuorum(p.quorumBps);
            if (address(reputation) == address(0)) revert NoReputationLedger();
        } else {
            if (p.quorumBps == 0 || p.quorumBps > MAX_QUORUM_BPS) {
                revert QuorumOutOfRange(p.quorumBps, 1, MAX_QUORUM_BPS);
            }
            if (p.minAttestationLevel != 0) revert AttestationLevelNeedsIdentityVotes(p.minAttestationLevel);
        }
    }

    /// @dev The voter's weight (see vote), rounded down. The ledger is owner-chosen; its weight is capped at
    /// 10,000 bps all the same, so a tally can never exceed the pledges.
    function _voteWeight(Campaign storage c, uint256 pledged) internal view returns (uint128) {
        IReputation ledger = reputation;
        if (c.voteMode == VoteMode.OnePerVerifiedIdentity) {
            if (address(ledger) == address(0)) revert NoReputationLedger();
            uint8 level = c.minAttestationLevel;
            if (!ledger.isVerified(msg.sender, level)) revert NotVerified(msg.sender, level);
            return 1;
        }
        if (address(ledger) == address(0)) return uint128(pledged);
        uint256 weightBps = ledger.identityWeightBps(msg.sender);
        if (weightBps > BPS) weightBps = BPS;
        return uint128((pledged * weightBps) / BPS);
    }

    /// @dev Whether `rejectWeight` vetoes a PledgeWeighted milestone: rejectWeight ≥ quorumBps × raised × u /
    /// BPS², with u the ledger's unverified weight when the vote opened. The quorum is of `raised` as unverified
    /// backers would weigh it, so that backers holding more than half of the money can always veto at the
    /// highest quorum (50%), verified or not, while a verified backer's rejection counts 10,000 / u times as much.
    /// (Against `raised` at full weight, unverified backers could never reach a 50% quorum if anyone abstained.)
    /// With u = 0 only verified backers weigh anything, and any rejection they cast vetoes.
    function _vetoed(uint256 rejectWeight, uint256 quorumBps, uint256 raised, uint256 unverifiedBps)
        internal
        pure
        returns (bool)
    {
        return rejectWeight > 0 && rejectWeight * BPS * BPS >= quorumBps * raised * unverifiedBps;
    }

    /// @dev u for a vote opening now: the ledger's unverified weight (capped at 10,000) for a PledgeWeighted
    /// campaign with a ledger, 10,000 otherwise. Read once, so closing a vote calls no ledger and no closer can
    /// influence its threshold.
    function _unverifiedWeightBps(Campaign storage c) internal view returns (uint16) {
        IReputation ledger = reputation;
        if (address(ledger) == address(0) || c.voteMode == VoteMode.OnePerVerifiedIdentity) return uint16(BPS);
        uint16 unverifiedBps = ledger.unverifiedWeightBps();
        return unverifiedBps > BPS ? uint16(BPS) : unverifiedBps;
    }

    /// @dev The checks confirmDelivery and reportNotDelivered share: a funded campaign, a backer with a pledge who
    /// is not the creator, and no delivery recorded yet.
    function _deliveryParties(uint256 campaignId) internal view returns (Campaign storage c, Pledge storage p) {
        c = _campaigns[campaignId];
        State state = _stateOf(c, campaignId);
        if (state != State.Succeeded && state != State.Rejected) revert NotFunded(state);
        if (msg.sender == c.creator) revert CreatorCannotReportDelivery(msg.sender);
        p = pledges[campaignId][msg.sender];
        if (p.amount == 0) revert NothingPledged();
        if (p.deliveryConfirmed || p.nonDeliveryReported) revert DeliveryAlreadyRecorded();
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
    /// deregistered, a score at its bound) must not block a claim, a vote or a delivery report. The record gets
    /// a fixed gas budget and the caller must leave enough for it; otherwise a caller could starve the call so
    /// that it fails (63/64 of too little) while the transaction succeeds, silently dropping a penalty.
    function _recordValue(
        address creator,
        int256 basePoints,
        address token,
        uint256 valueBefore,
        uint256 valueAfter,
        bytes32 reason,
        uint256 campaignId
    ) internal {
        IReputation ledger = reputation;
        if (address(ledger) == address(0)) return;
        _requireRecordGas();
        try ledger.recordValue{gas: RECORD_GAS}(
            creator, Role.Creator, basePoints, token, valueBefore, valueAfter, reason, campaignId
        ) {} catch {}
    }

    /// @dev A deal between the campaign's creator (payee, Creator) and msg.sender (payer, Backer) over the
    /// backer's pledge; never blocks, as _recordValue.
    function _recordDeal(
        Campaign storage c,
        int256 creatorPoints,
        int256 backerPoints,
        uint256 pledged,
        bytes32 reason,
        uint256 campaignId
    ) internal {
        IReputation ledger = reputation;
        if (address(ledger) == address(0)) return;
        _requireRecordGas();
        Deal memory deal = Deal({
            payee: c.creator,
            payeeRole: Role.Creator,
            payeePoints: creatorPoints,
            payer: msg.sender,
            payerRole: Role.Backer,
            payerPoints: backerPoints,
            token: c.token,
            amount: pledged,
            reason: reason,
            ref: campaignId
        });
        try ledger.recordDeal{gas: RECORD_GAS}(deal) {} catch {}
    }

    function _requireRecordGas() internal view {
        if (gasleft() < RECORD_GAS + RECORD_GAS / 63 + 5_000) revert NotEnoughGasToRecord(gasleft(), RECORD_GAS);
    }
}
